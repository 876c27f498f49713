package org.natflow.apps.natevents;

/**
 * The NAT events natflow raises, with their values in IANA's "IPFIX NAT Event Type" registry (natEvent,
 * information element 230; RFC 8158 section 4.1). The registry is the authority: some vendors' documents follow
 * an earlier draft whose numbers differ.
 */
public enum NatEventType {
    /** No address of the pool can take the host (value 3). */
    ADDRESSES_EXHAUSTED(3),
    /** A per-flow use of a public port began: one destination (value 4). */
    NAT44_SESSION_CREATE(4),
    /** That per-flow use ended (value 5). */
    NAT44_SESSION_DELETE(5),
    /** An endpoint-independent mapping began: every destination (value 8). */
    NAT44_BIB_CREATE(8),
    /** That mapping ended (value 9). */
    NAT44_BIB_DELETE(9),
    /** A pool address has no free port of a protocol for its host (value 12). */
    PORTS_EXHAUSTED(12),
    /** An inside host reached its quota (value 13). */
    QUOTA_EXCEEDED(13),
    /** A whole public address was bound to a host or a peer (value 14). */
    ADDRESS_BINDING_CREATE(14),
    /** That binding ended (value 15). */
    ADDRESS_BINDING_DELETE(15),
    /** A port block was allocated to an inside host (value 16). */
    PORT_BLOCK_ALLOCATION(16),
    /** That block was de-allocated (value 17). */
    PORT_BLOCK_DEALLOCATION(17);

    private final int value;

    NatEventType(int value) {
        this.value = value;
    }

    /** The natEvent value in the IANA registry. */
    public int value() {
        return value;
    }
}
