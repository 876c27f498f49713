package org.natflow.apps.natevents;

import java.util.Objects;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * One NAT event: what the records of RFC 8158 carry. Parts an event's type does not have are null or 0 (see the
 * factories).
 *
 * @param type          the event
 * @param timeMillis    when, epoch milliseconds
 * @param dpid          the border switch it happened on (its datapath id), 0 for none (becomes the IPFIX
 *                      observation domain)
 * @param protocol      the transport protocol, or null (bindings, blocks, addresses exhausted)
 * @param inside        the inside address, or null
 * @param insidePort    the inside port (ICMP: identifier), 0 when none
 * @param outside       the public address, or null
 * @param outsidePort   the public port, 0 when none
 * @param remote        the destination of a session, or null
 * @param remotePort    its port, 0 when none
 * @param firstPort     a port block's first port, 0 when none
 * @param lastPort      a port block's last port, 0 when none
 * @param limit         the quota a host reached, 0 when none
 * @param name          who a binding is for, when not an inside host (a VPN peer's name), or null
 */
public record NatEvent(NatEventType type, long timeMillis, long dpid, Protocol protocol, IPv4Address inside,
                       int insidePort, IPv4Address outside, int outsidePort, IPv4Address remote, int remotePort,
                       int firstPort, int lastPort, int limit, String name) {

    public NatEvent {
        Objects.requireNonNull(type, "type");
    }

    /** An endpoint-independent mapping began or ended (BIB create, delete). */
    public static NatEvent mapping(boolean created, long timeMillis, long dpid, Protocol protocol,
                                   IPv4Address inside, int insidePort, IPv4Address outside, int outsidePort) {
        return new NatEvent(created ? NatEventType.NAT44_BIB_CREATE : NatEventType.NAT44_BIB_DELETE, timeMillis,
                dpid, protocol, inside, insidePort, outside, outsidePort, null, 0, 0, 0, 0, null);
    }

    /** A per-flow use of a public port, to one destination, began or ended (session create, delete). */
    public static NatEvent session(boolean created, long timeMillis, long dpid, Protocol protocol,
                                   IPv4Address inside, int insidePort, IPv4Address outside, int outsidePort,
                                   IPv4Address remote, int remotePort) {
        return new NatEvent(created ? NatEventType.NAT44_SESSION_CREATE : NatEventType.NAT44_SESSION_DELETE,
                timeMillis, dpid, protocol, inside, insidePort, outside, outsidePort, remote, remotePort, 0, 0, 0,
                null);
    }

    /** A port block was allocated or de-allocated. */
    public static NatEvent block(boolean allocated, long timeMillis, long dpid, IPv4Address inside,
                                 IPv4Address outside, int firstPort, int lastPort) {
        return new NatEvent(allocated ? NatEventType.PORT_BLOCK_ALLOCATION : NatEventType.PORT_BLOCK_DEALLOCATION,
                timeMillis, dpid, null, inside, 0, outside, 0, null, 0, firstPort, lastPort, 0, null);
    }

    /**
     * A whole public address was bound to an inside host (static NAT) or lent to a named peer (a VPN peer:
     * {@code inside} is then the address itself, which the peer sends from), or the binding ended.
     */
    public static NatEvent binding(boolean created, long timeMillis, long dpid, IPv4Address inside,
                                   IPv4Address outside, String name) {
        return new NatEvent(created ? NatEventType.ADDRESS_BINDING_CREATE : NatEventType.ADDRESS_BINDING_DELETE,
                timeMillis, dpid, null, inside, 0, outside, 0, null, 0, 0, 0, 0, name);
    }

    /** An inside host holds {@code limit} ports of a protocol and was refused another. */
    public static NatEvent quotaExceeded(long timeMillis, long dpid, Protocol protocol, IPv4Address inside,
                                         int limit) {
        return new NatEvent(NatEventType.QUOTA_EXCEEDED, timeMillis, dpid, protocol, inside, 0, null, 0, null, 0,
                0, 0, limit, null);
    }

    /** A pool address had no free port of a protocol (or no free block) for a host. */
    public static NatEvent portsExhausted(long timeMillis, long dpid, Protocol protocol, IPv4Address outside) {
        return new NatEvent(NatEventType.PORTS_EXHAUSTED, timeMillis, dpid, protocol, null, 0, outside, 0, null, 0,
                0, 0, 0, null);
    }

    /** No address of the pool had room for a host. */
    public static NatEvent addressesExhausted(long timeMillis, long dpid) {
        return new NatEvent(NatEventType.ADDRESSES_EXHAUSTED, timeMillis, dpid, null, null, 0, null, 0, null, 0, 0,
                0, 0, null);
    }
}
