package org.natflow.apps.nat;

import java.util.concurrent.CompletableFuture;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.TransportPorts;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Fragmented datagrams through the NAT (RFC 4787 REQ-14), translated by the controller: the first fragment
 * carries the ports and finds (or makes) the mapping; the others, which carry none, are placed by their
 * datagram's identification, held until the first fragment has come if they arrive before it (bounded, and
 * dropped when they wait too long).
 */
final class FragmentNat {

    private final SlowPath path;
    private final Mappings mappings;
    private final FragmentTranslator fragments = new FragmentTranslator();

    FragmentNat(SlowPath path) {
        this.path = path;
        this.mappings = path.mappings;
    }

    /** A fragment from an inside host to a destination beyond the uplink. */
    void outbound(Border b, PacketContext ctx, Ipv4Packet ip, OFPort hostPort) {
        byte[] out = ctx.frame().bytes().clone();
        FragmentTranslator.Key key = FragmentTranslator.Key.of(ip);
        if (ip.fragmentOffset() == 0) {
            TransportPorts ports = TransportPorts.of(ip);
            if (ports == null) {
                path.metrics.fragmentsDropped.increment();
                return;
            }
            Protocol p = ports.protocol();
            MappingTable.Lookup l = mappings.lookup(p, ip.src(), ports.srcPort(), b, ctx.frame().src(), hostPort);
            if (l == null) {
                return;
            }
            NatSession s = l.session();
            if (l.created()) {
                mappings.install(b, s, null, CompletableFuture.completedFuture(null), new CompletableFuture<>());
            }
            FragmentTranslator.rewriteFirst(out, ip, true, s.publicAddress(), s.publicPort());
            path.toUplink(b, ip.dst(), out);
            for (byte[] later : fragments.place(key, s, true, System.nanoTime())) {
                outboundLater(b, later, s);
            }
            return;
        }
        FragmentTranslator.Placement p = fragments.placeOrHold(key, out, System.nanoTime());
        if (p != null) {
            outboundLater(b, out, p.session());
        }
    }

    private void outboundLater(Border b, byte[] frame, NatSession s) {
        Ipv4Packet ip = PacketParser.parse(frame).ipv4();
        FragmentTranslator.rewriteLater(frame, ip, true, s.publicAddress());
        path.toUplink(b, ip.dst(), frame);
    }

    /** A fragment from the uplink to a pool address. */
    void inbound(EthernetFrame frame, Ipv4Packet ip) {
        byte[] out = frame.bytes().clone();
        FragmentTranslator.Key key = FragmentTranslator.Key.of(ip);
        if (ip.fragmentOffset() == 0) {
            TransportPorts ports = TransportPorts.of(ip);
            NatSession s = ports == null ? null
                    : mappings.table().byPublic(ports.protocol(), ip.dst(), ports.dstPort()).orElse(null);
            Remote remote = ports == null ? null : Remote.of(path.config.filtering(), ip.src(), ports.srcPort());
            if (s == null || (remote != null && !mappings.admits(s.id(), remote))) {
                return; // unsolicited, like any other inbound packet without a mapping
            }
            FragmentTranslator.rewriteFirst(out, ip, false, s.insideAddress(), s.insidePort());
            path.toHost(s, out);
            for (byte[] later : fragments.place(key, s, false, System.nanoTime())) {
                inboundLater(later, s);
            }
            return;
        }
        FragmentTranslator.Placement p = fragments.placeOrHold(key, out, System.nanoTime());
        if (p != null) {
            inboundLater(out, p.session());
        }
    }

    private void inboundLater(byte[] frame, NatSession s) {
        Ipv4Packet ip = PacketParser.parse(frame).ipv4();
        FragmentTranslator.rewriteLater(frame, ip, false, s.insideAddress());
        path.toHost(s, frame);
    }


    /** Drops the fragments that waited too long for their first; returns how many. */
    int expire() {
        return fragments.expire(System.nanoTime());
    }

    /** Fragments held now. */
    int size() {
        return fragments.size();
    }
}
