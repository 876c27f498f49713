package org.natflow.rest.security;

/** The API's roles: writes need {@link #WRITE}; reads of sensitive resources need {@link #READ}. */
final class Roles {

    /** May change rules and tear mappings down; implies {@link #READ}. */
    static final String WRITE = "WRITE";
    /** May read who is translated to what: NAT mappings and port blocks, TURN allocations, relay bindings. */
    static final String READ = "READ";

    private Roles() {
    }
}
