package org.natflow.apps.staticnat;

import java.util.List;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.HostLocation;
import org.natflow.apps.nat.IcmpRewriter;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.IcmpMessage;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * ICMP errors about a static address (RFC 5508 REQ-3 and REQ-4, which 1:1 NAT owes as NAPT does): an error
 * from outside about a datagram the host sent from its static address has the embedded source translated back
 * to the host (so path MTU discovery and unreachables reach its socket); an error the host sends about a
 * datagram that came in has the embedded destination translated to the static address. Anything else is
 * dropped and counted.
 */
final class StaticNatIcmp {

    private final GatewayConfig gateway;
    private final PacketService packets;
    private final Borders borders;
    private final StaticNatMetrics metrics;

    StaticNatIcmp(GatewayConfig gateway, PacketService packets, Borders borders, StaticNatMetrics metrics) {
        this.gateway = gateway;
        this.packets = packets;
        this.borders = borders;
        this.metrics = metrics;
    }

    /** Translates and sends on one ICMP error of a rule's flows; {@code host} is where its host was found. */
    void translate(Border b, PacketContext ctx, Ipv4Packet ip, StaticNatRule r, HostLocation host) {
        byte[] data = ctx.frame().bytes();
        if (!(ip.transport() instanceof IcmpMessage m) || !m.isError()
                || !(PacketParser.parseIpv4(data, m.bodyOffset()) instanceof Ipv4Packet inner)) {
            metrics.icmpDropped.increment();
            return;
        }
        int icmpAt = ip.offset() + ip.headerLength();
        int end = Math.min(data.length, ip.offset() + ip.totalLength());
        byte[] out = data.clone();
        if (ctx.inPort().equals(b.uplink())) {
            if (host == null || !ip.dst().equals(r.publicAddress()) || !inner.src().equals(r.publicAddress())
                    || !IcmpRewriter.rewriteEmbeddedAddress(out, icmpAt, end, true, r.insideAddress())) {
                metrics.icmpDropped.increment();
                return;
            }
            IcmpRewriter.rewriteOuter(out, ip.offset(), null, r.insideAddress());
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(host.port(), 0)),
                    Frames.withMacs(out, gateway.insideMac(), host.mac()));
        } else {
            if (!ip.src().equals(r.insideAddress()) || !inner.dst().equals(r.insideAddress())
                    || gateway.isInside(ip.dst()) || gateway.isPublic(ip.dst())
                    || borders.hostAddresses().byPublic(ip.dst()).isPresent()
                    || !IcmpRewriter.rewriteEmbeddedAddress(out, icmpAt, end, false, r.publicAddress())) {
                metrics.icmpDropped.increment();
                return;
            }
            IcmpRewriter.rewriteOuter(out, ip.offset(), r.publicAddress(), null);
            borders.routes().sendOut(b, ip.dst(), out);
        }
        metrics.icmpTranslated.increment();
    }
}
