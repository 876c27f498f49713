package org.natflow.services.upnp;

/**
 * The UPnP errors natflow's gateway device answers with (UPnP Device Architecture and WANIPConnection:2).
 *
 * @param code        the error code
 * @param description its name
 */
record UpnpError(int code, String description) {

    static final UpnpError INVALID_ACTION = new UpnpError(401, "Invalid Action");
    static final UpnpError INVALID_ARGS = new UpnpError(402, "Invalid Args");
    static final UpnpError ACTION_FAILED = new UpnpError(501, "Action Failed");
    static final UpnpError NOT_AUTHORIZED = new UpnpError(606, "Action not authorized");
    static final UpnpError ARRAY_INDEX_INVALID = new UpnpError(713, "SpecifiedArrayIndexInvalid");
    static final UpnpError NO_SUCH_ENTRY = new UpnpError(714, "NoSuchEntryInArray");
    static final UpnpError WILDCARD_EXTERNAL_PORT = new UpnpError(716, "WildCardNotPermittedInExtPort");
    static final UpnpError CONFLICT = new UpnpError(718, "ConflictInMappingEntry");
    static final UpnpError NO_PORT_MAPS = new UpnpError(728, "NoPortMapsAvailable");
    static final UpnpError CONFLICT_OTHER_MECHANISM = new UpnpError(729, "ConflictWithOtherMechanisms");
    static final UpnpError NOT_FOUND = new UpnpError(730, "PortMappingNotFound");
    static final UpnpError WILDCARD_INTERNAL_PORT = new UpnpError(732, "WildCardNotPermittedInIntPort");
    static final UpnpError INCONSISTENT = new UpnpError(733, "InconsistentParameters");
}
