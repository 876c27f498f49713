package org.natflow.apps.nat;

import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Which mappings an operator looks for: every part that is null (or 0 for ports, {@link Long#MIN_VALUE} and
 * {@link Long#MAX_VALUE} for times) matches anything.
 *
 * @param protocol       the transport protocol
 * @param insideAddress  the inside host
 * @param insidePort     the inside port, 0 for any
 * @param publicAddress  the pool address
 * @param publicPort     the public port, 0 for any
 * @param createdFrom    created at or after, epoch milliseconds
 * @param createdTo      created at or before, epoch milliseconds
 */
public record MappingQuery(Protocol protocol, IPv4Address insideAddress, int insidePort, IPv4Address publicAddress,
                           int publicPort, long createdFrom, long createdTo) {

    /** Every mapping. */
    public static final MappingQuery ANY = new MappingQuery(null, null, 0, null, 0, Long.MIN_VALUE, Long.MAX_VALUE);

    /** Whether a mapping's parts match, given as the table keeps them. */
    boolean matches(int protocolOrdinal, int inside, int insidePortValue, int pub, int publicPortValue, long created) {
        return (protocol == null || protocol.ordinal() == protocolOrdinal)
                && (insideAddress == null || insideAddress.getInt() == inside)
                && (insidePort == 0 || insidePort == insidePortValue)
                && (publicAddress == null || publicAddress.getInt() == pub)
                && (publicPort == 0 || publicPort == publicPortValue)
                && created >= createdFrom && created <= createdTo;
    }

    /**
     * One page of the mappings a query found, oldest first.
     *
     * @param total    how many match in all
     * @param offset   where the page starts among them
     * @param mappings the page
     */
    public record Page(int total, int offset, java.util.List<NatSession> mappings) {
        public Page {
            mappings = java.util.List.copyOf(mappings);
        }
    }
}
