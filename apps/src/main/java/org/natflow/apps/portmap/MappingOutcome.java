package org.natflow.apps.portmap;

/**
 * How a mapping request ended, in the terms of PCP's result codes (RFC 6887, section 7.4); each protocol server
 * writes its own number for it (NAT-PMP has fewer).
 */
public enum MappingOutcome {
    /** Mapped, renewed or deleted. */
    SUCCESS,
    /** The policy does not let this host (or this port, or a third party) ask; or the mapping is another's. */
    NOT_AUTHORIZED,
    /** The mapping could not be stored. */
    NETWORK_FAILURE,
    /** No public port is free. */
    NO_RESOURCES,
    /** The host holds as many mappings as the policy allows. */
    USER_EX_QUOTA,
    /** The public address or port asked for with PREFER_FAILURE is not available. */
    CANNOT_PROVIDE_EXTERNAL,
    /** Neither TCP nor UDP (or "all protocols" for anything but a delete). */
    UNSUPP_PROTOCOL,
    /** A peer mapping would admit more remote peers than one mapping may. */
    EXCESSIVE_REMOTE_PEERS;

    /** Whether the condition will likely pass soon (PCP's short lifetime errors), so a client may retry. */
    public boolean transientError() {
        return this == NETWORK_FAILURE || this == NO_RESOURCES || this == USER_EX_QUOTA
                || this == CANNOT_PROVIDE_EXTERNAL;
    }
}
