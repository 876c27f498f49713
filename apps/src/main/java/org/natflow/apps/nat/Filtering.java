package org.natflow.apps.nat;

/** Inbound filtering behaviour (RFC 4787 section 5). */
public enum Filtering {
    /** Any remote may send to a mapping. */
    ENDPOINT_INDEPENDENT,
    /** Only remote addresses the inside endpoint has sent to. */
    ADDRESS_DEPENDENT,
    /** Only remote address and port pairs the inside endpoint has sent to. */
    ADDRESS_AND_PORT_DEPENDENT
}
