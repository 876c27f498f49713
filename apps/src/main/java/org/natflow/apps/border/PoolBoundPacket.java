package org.natflow.apps.border;

import org.natflow.apps.ports.TransportPorts;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.packet.Ipv4Packet;

/**
 * A TCP segment or UDP datagram (or the first fragment of one) addressed to a pool address, as a border sees
 * it: from the uplink, from an inside host through the gateway (hairpin), or from neither (not to be served).
 * What the apps that own public ports (relays, the service link) look at first.
 *
 * @param ip         the IPv4 packet
 * @param ports      its protocol and ports
 * @param fromUplink whether it came in on the border's uplink
 * @param fromInside whether an inside host sent it to the gateway MAC
 */
public record PoolBoundPacket(Ipv4Packet ip, TransportPorts ports, boolean fromUplink, boolean fromInside) {

    /** The packet, if it is TCP or UDP to a pool address; null otherwise. */
    public static PoolBoundPacket of(PacketContext ctx, Border b, GatewayConfig config) {
        Ipv4Packet ip = ctx.frame().ipv4();
        if (ip == null || !config.isPublic(ip.dst()) || ip.fragmentOffset() != 0) {
            return null;
        }
        TransportPorts ports = TransportPorts.of(ip);
        if (ports == null) {
            return null;
        }
        boolean fromUplink = ctx.inPort().equals(b.uplink());
        boolean fromInside = !fromUplink && ctx.frame().dst().equals(config.insideMac()) && config.isInside(ip.src());
        return new PoolBoundPacket(ip, ports, fromUplink, fromInside);
    }

    /** Whether it came from somewhere a pool address may be reached from (uplink or an inside host). */
    public boolean servable() {
        return fromUplink || fromInside;
    }
}
