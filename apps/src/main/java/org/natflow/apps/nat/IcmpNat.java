package org.natflow.apps.nat;

import org.natflow.apps.border.Border;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.TransportPorts;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.IcmpMessage;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * ICMP through the NAT (RFC 5508), translated by the controller: echo requests get a mapping keyed by their
 * identifier (timed by the controller: there are no flows to idle out), echo replies find it, and errors about
 * a translated datagram have the embedded datagram translated too. Errors for unknown mappings are dropped.
 */
final class IcmpNat {

    private final SlowPath path;
    private final Mappings mappings;

    IcmpNat(SlowPath path) {
        this.path = path;
        this.mappings = path.mappings;
    }

    private static int ipEnd(byte[] data, Ipv4Packet ip) {
        return Math.min(data.length, ip.offset() + ip.totalLength());
    }

    /** An echo request (mapped by identifier) or an error about an inbound datagram, going out. */
    void outbound(Border b, PacketContext ctx, Ipv4Packet ip, IcmpMessage icmp, OFPort hostPort) {
        byte[] data = ctx.frame().bytes();
        int icmpAt = ip.offset() + ip.headerLength();
        NatSession s;
        byte[] out;
        if (icmp.type() == IcmpMessage.ECHO_REQUEST) {
            MappingTable.Lookup l = mappings.lookup(Protocol.ICMP, ip.src(), icmp.identifier(), b,
                    ctx.frame().src(), hostPort);
            if (l == null) {
                return;
            }
            s = l.session();
            if (l.created()) {
                mappings.created(s);
            }
            out = data.clone();
            IcmpRewriter.setEchoId(out, icmpAt, ipEnd(out, ip), s.publicPort());
        } else if (icmp.isError() && PacketParser.parseIpv4(data, icmp.bodyOffset()) instanceof Ipv4Packet inner) {
            // The error is about a datagram that came in through a mapping: inner dst is the inside endpoint.
            Protocol p = protocolOf(inner.protocol());
            int port = innerPort(inner, false);
            s = p == null || port < 0 ? null : mappings.table().byInside(p, inner.dst(), port).orElse(null);
            if (s == null) {
                return;
            }
            out = data.clone();
            if (!IcmpRewriter.rewriteEmbedded(out, icmpAt, ipEnd(out, ip), false, s.publicAddress(), s.publicPort())) {
                return;
            }
        } else {
            path.metrics.untranslatable.increment();
            return;
        }
        if (s.protocol() == Protocol.ICMP) {
            mappings.touch(s.id());
        }
        IcmpRewriter.rewriteOuter(out, ip.offset(), s.publicAddress(), null);
        path.toUplink(b, ip.dst(), out);
    }

    /** An echo reply or an error for one of our mappings, coming in from the uplink. */
    void inbound(EthernetFrame frame, Ipv4Packet ip, IcmpMessage icmp) {
        byte[] data = frame.bytes();
        int icmpAt = ip.offset() + ip.headerLength();
        NatSession s;
        byte[] out = data.clone();
        if (icmp.type() == IcmpMessage.ECHO_REPLY) {
            s = mappings.table().byPublic(Protocol.ICMP, ip.dst(), icmp.identifier()).orElse(null);
            if (s == null) {
                return;
            }
            IcmpRewriter.setEchoId(out, icmpAt, ipEnd(out, ip), s.insidePort());
            mappings.touch(s.id());
        } else if (icmp.isError() && PacketParser.parseIpv4(data, icmp.bodyOffset()) instanceof Ipv4Packet inner) {
            // About a datagram we sent out: inner src is our public endpoint.
            Protocol p = protocolOf(inner.protocol());
            int port = innerPort(inner, true);
            s = p == null || port < 0 ? null : mappings.table().byPublic(p, inner.src(), port).orElse(null);
            if (s == null || !s.publicAddress().equals(ip.dst())) {
                return; // errors for unknown mappings are dropped
            }
            if (!IcmpRewriter.rewriteEmbedded(out, icmpAt, ipEnd(out, ip), true, s.insideAddress(), s.insidePort())) {
                return;
            }
        } else {
            return;
        }
        IcmpRewriter.rewriteOuter(out, ip.offset(), null, s.insideAddress());
        path.toHost(s, out);
    }

    private static Protocol protocolOf(int number) {
        return switch (number) {
            case 6 -> Protocol.TCP;
            case 17 -> Protocol.UDP;
            case 1 -> Protocol.ICMP;
            default -> null;
        };
    }

    /** The embedded datagram's source or destination port (ICMP: echo identifier); -1 if not there. */
    private static int innerPort(Ipv4Packet inner, boolean source) {
        TransportPorts ports = TransportPorts.of(inner);
        if (ports != null) {
            return source ? ports.srcPort() : ports.dstPort();
        }
        if (inner.transport() instanceof IcmpMessage m && m.isEcho()) {
            return m.identifier();
        }
        return -1;
    }
}
