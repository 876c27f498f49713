package org.natflow.apps.nat;

import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Borders;
import org.natflow.apps.ports.TransportPorts;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.U32;

/**
 * The conntrack datapath's copies of new connections (table {@link Pipeline.Table#TRACKED_COPY}): each is a
 * packet as the tracker translated it (source: the public endpoint it chose) with the connection's original
 * source in reg0 and reg1. What a copy says is believed only when the public endpoint lies in the port block of
 * that inside address on that border (a copy cannot invent a mapping); it is then learned in
 * {@link TrackedEndpoints}. Every copy is consumed here, before any other listener sees it.
 */
final class TrackedCopies implements PacketListener {

    private final Borders borders;
    private final PortBlocks blocks;
    private final TrackedEndpoints endpoints;
    private final NatMetrics metrics;

    TrackedCopies(Borders borders, PortBlocks blocks, TrackedEndpoints endpoints, NatMetrics metrics) {
        this.borders = borders;
        this.blocks = blocks;
        this.endpoints = endpoints;
        this.metrics = metrics;
    }

    @Override
    public boolean onPacket(PacketContext ctx) {
        if (!ctx.tableId().equals(Pipeline.Table.TRACKED_COPY.id())) {
            return false;
        }
        Ipv4Packet ip = ctx.frame().ipv4();
        TransportPorts tp = ip == null ? null : TransportPorts.of(ip);
        U32 reg0 = ctx.match().get(MatchField.REG0);
        U32 reg1 = ctx.match().get(MatchField.REG1);
        if (borders.border(ctx.dpid()) == null || tp == null || reg0 == null || reg1 == null) {
            metrics.trackedCopiesUnusable.increment();
            return true;
        }
        IPv4Address inside = IPv4Address.of((int) reg0.getValue());
        int insidePort = (int) (reg1.getValue() & 0xffff);
        boolean believable = blocks.of(inside).filter(b -> b.dpid().equals(ctx.dpid())
                && b.address().equals(ip.src()) && tp.srcPort() >= b.first() && tp.srcPort() <= b.last()).isPresent();
        if (!believable) {
            metrics.trackedCopiesUnusable.increment();
            return true;
        }
        endpoints.learn(tp.protocol(), ip.src(), tp.srcPort(), inside, insidePort, System.nanoTime());
        metrics.trackedCopiesLearned.increment();
        return true;
    }
}
