package org.natflow.apps.nat;

import java.time.Instant;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * One dynamic mapping: an inside endpoint and the public endpoint it has for every destination
 * (endpoint-independent mapping).
 *
 * @param id             unique, also the low bits of the mapping's flow cookies
 * @param protocol       transport protocol
 * @param insideAddress  inside host
 * @param insidePort     inside port (ICMP: echo identifier)
 * @param publicAddress  pool address
 * @param publicPort     public port (ICMP: identifier)
 * @param createdMillis  creation time, epoch milliseconds (a long, not an {@code Instant}: 24 bytes less for
 *                       each of up to millions of live mappings; see {@link #createdAt()})
 * @param dpid           border switch holding the flows
 * @param insideMac      the inside host's MAC
 * @param switchPort     the switch port the inside host is behind
 */
public record NatSession(long id, Protocol protocol, IPv4Address insideAddress, int insidePort,
                         IPv4Address publicAddress, int publicPort, long createdMillis, Dpid dpid,
                         MacAddress insideMac, OFPort switchPort) {

    /** Every part is required: the session store keeps them as primitives. */
    public NatSession {
        java.util.Objects.requireNonNull(protocol, "protocol");
        java.util.Objects.requireNonNull(insideAddress, "insideAddress");
        java.util.Objects.requireNonNull(publicAddress, "publicAddress");
        java.util.Objects.requireNonNull(dpid, "dpid");
        java.util.Objects.requireNonNull(insideMac, "insideMac");
        java.util.Objects.requireNonNull(switchPort, "switchPort");
    }

    /** A mapping created at {@code createdAt} (kept to the millisecond). */
    public NatSession(long id, Protocol protocol, IPv4Address insideAddress, int insidePort,
                      IPv4Address publicAddress, int publicPort, Instant createdAt, Dpid dpid,
                      MacAddress insideMac, OFPort switchPort) {
        this(id, protocol, insideAddress, insidePort, publicAddress, publicPort, createdAt.toEpochMilli(), dpid,
                insideMac, switchPort);
    }

    /** When the mapping was created. */
    public Instant createdAt() {
        return Instant.ofEpochMilli(createdMillis);
    }

    /** The inside endpoint, the mapping's key. */
    public Key insideKey() {
        return new Key(protocol, insideAddress, insidePort);
    }

    /** The public endpoint. */
    public Key publicKey() {
        return new Key(protocol, publicAddress, publicPort);
    }

    /**
     * A transport endpoint.
     *
     * @param protocol protocol
     * @param address  address
     * @param port     port or ICMP identifier
     */
    public record Key(Protocol protocol, IPv4Address address, int port) {

        /**
         * A well-mixed hash. The record's default ({@code 31 * h(address) + port}) collides for neighbouring
         * addresses and ports ({@code (a + 1, p)} and {@code (a, p + 31)}), which is exactly what a NAT holds:
         * a pool of consecutive addresses with every port in use. Measured in {@code MappingTableBench}.
         */
        @Override
        public int hashCode() {
            long h = ((long) address.getInt() << 32) | ((long) protocol.ordinal() << 16) | port;
            h *= 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.port == port && k.protocol == protocol && k.address.equals(address);
        }

        @Override
        public String toString() {
            return protocol.lower() + ":" + address + ":" + port;
        }
    }
}
