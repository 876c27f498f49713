package org.natflow.apps.ports;

import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.TcpSegment;
import org.natflow.controller.packet.UdpDatagram;

/**
 * The protocol and ports of a TCP segment or UDP datagram: what NAPT, relays and the service link key on.
 *
 * @param protocol tcp or udp
 * @param srcPort  source port
 * @param dstPort  destination port
 */
public record TransportPorts(Protocol protocol, int srcPort, int dstPort) {

    /** The ports of an IPv4 packet's TCP or UDP payload; null for anything else (ICMP, other protocols). */
    public static TransportPorts of(Ipv4Packet ip) {
        if (ip.transport() instanceof TcpSegment t) {
            return new TransportPorts(Protocol.TCP, t.srcPort(), t.dstPort());
        }
        if (ip.transport() instanceof UdpDatagram u) {
            return new TransportPorts(Protocol.UDP, u.srcPort(), u.dstPort());
        }
        return null;
    }
}
