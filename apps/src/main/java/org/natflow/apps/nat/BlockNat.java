package org.natflow.apps.nat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conntrack datapath: the first packet of an inside host that has no port block gets it one, with the
 * flows that hand all its connections to the switch's tracker ({@link BlockFlows}); that packet then goes
 * through them. Later connections of the host never reach the controller. A block is released when its
 * outbound flow idles out (or is deleted), when its border is retired, or when a read-back finds its flows
 * gone; a read-back after a controller restart takes the switch's blocks back. Assignment and release are logged per block (RFC 7422: the log says which host held which ports
 * when).
 */
final class BlockNat {

    // The NAT's log category: block lines sit with the mapping lines an abuse request is answered from.
    private static final Logger log = LoggerFactory.getLogger(NaptService.class);

    private final NatConfig config;
    private final PortBlocks blocks;
    private final FlowService flows;
    private final PacketService packets;
    private final BlockFlows blockFlows;
    private final NatMetrics metrics;
    private final BiFunction<Border, IPv4Address, CompletableFuture<Void>> route;
    private final java.util.function.Function<Dpid, Border> borders;
    // Blocks whose flows are on their way: packets of the host wait for them instead of assigning again.
    private final Map<Long, CompletableFuture<Boolean>> installing = new ConcurrentHashMap<>();

    private final MappingLog mappingLog;

    BlockNat(NatConfig config, PortBlocks blocks, FlowService flows, PacketService packets, NatMetrics metrics,
             MappingLog mappingLog, BiFunction<Border, IPv4Address, CompletableFuture<Void>> route,
             java.util.function.Function<Dpid, Border> borders) {
        this.config = config;
        this.mappingLog = mappingLog;
        this.blocks = blocks;
        this.flows = flows;
        this.packets = packets;
        this.blockFlows = new BlockFlows(config);
        this.metrics = metrics;
        this.route = route;
        this.borders = borders;
    }

    BlockFlows flows() {
        return blockFlows;
    }

    /** A TCP or UDP packet from an inside host with no block flow on this border yet. */
    void firstPacket(Border b, Ipv4Packet ip, MacAddress hostMac, OFPort hostPort, OFPort inPort, byte[] data) {
        metrics.newFlowPacketIns.increment();
        PortBlocks.Lookup lookup;
        try {
            lookup = blocks.block(ip.src(), b, hostMac, hostPort);
        } catch (AllocationException e) {
            metrics.refusedPool.increment();
            log.warn("event=nat-refused reason={} inside={} detail=\"{}\"", e.reason(), ip.src(), e.getMessage());
            mappingLog.refused(e, ip.protocol() == Protocol.UDP.number() ? Protocol.UDP : Protocol.TCP, ip.src(),
                    b.dpid().value());
            return;
        }
        if (lookup.displaced() != null) {
            released(lookup.displaced(), "moved", borders.apply(lookup.displaced().dpid()));
        }
        PortBlock block = lookup.block();
        CompletableFuture<Boolean> ready;
        if (lookup.created()) {
            ready = new CompletableFuture<>();
            installing.put(block.id(), ready);
            int idle = (int) Math.min(65535, config.timeouts().tcpEstablished().toSeconds());
            route.apply(b, ip.dst())
                    .thenCompose(v -> flows.apply(b.dpid(), blockFlows.block(b.factory(), b.uplink(), block, idle)))
                    .whenComplete((r, e) -> {
                        installing.remove(block.id());
                        if (e == null && r.ok()) {
                            metrics.blocksAssigned.increment();
                            mappingLog.blockAssigned(block);
                            ready.complete(true);
                        } else {
                            metrics.refusedSwitch.increment();
                            log.warn("event=nat-refused reason=SWITCH inside={} public={} ports={}-{} detail=\"{}\"",
                                    block.inside(), block.address(), block.first(), block.last(),
                                    e != null ? e.toString() : r.errors().get(0).describe());
                            blocks.release(block.inside());
                            ready.complete(false);
                        }
                    });
        } else {
            // Raced the block's flows (or the switch's flow cache still sends it here): let it through them.
            ready = installing.getOrDefault(block.id(), CompletableFuture.completedFuture(true));
        }
        ready.thenAccept(ok -> {
            if (ok) {
                route.apply(b, ip.dst()).thenRun(() -> packets.packetOut(b.dpid(), inPort,
                        List.of(b.factory().actions().output(OFPort.TABLE, 0)), data));
            }
        });
    }

    /** A block's outbound flow left the switch: the block is released. */
    void flowRemoved(Dpid dpid, OFFlowRemoved message) {
        if (!NatCookies.isBlock(message.getCookie()) || !NatCookies.isOutbound(message.getCookie())) {
            return;
        }
        IPv4Address inside = message.getMatch().get(MatchField.IPV4_SRC);
        long id = NatCookies.blockId(message.getCookie());
        String reason = message.getReason() == OFFlowRemovedReason.IDLE_TIMEOUT ? "idle"
                : message.getReason() == OFFlowRemovedReason.DELETE ? "deleted" : message.getReason().toString();
        if (inside != null) {
            release(inside, id, reason, null);
        }
    }

    /** Releases a host's block if it is still block {@code id}; deletes its flows on {@code b} when given. */
    private void release(IPv4Address inside, long id, String reason, Border b) {
        blocks.byId(id).filter(x -> x.inside().equals(inside)).ifPresent(x -> {
            blocks.release(inside);
            released(x, reason, b);
        });
    }

    /** Counts and logs a block the table has let go; deletes its flows on {@code b} when given. */
    private void released(PortBlock x, String reason, Border b) {
        metrics.blocksReleased.increment();
        if (b != null) {
            flows.apply(b.dpid(), List.of(blockFlows.deleteBlock(b.factory(), x.id())));
        }
        mappingLog.blockReleased(x, reason);
    }

    /** A border was retired or left: its blocks end (its flows are deleted with all of the NAT's). */
    void borderGone(Dpid dpid, String reason) {
        for (PortBlock x : blocks.all()) {
            if (x.dpid().equals(dpid)) {
                release(x.inside(), x.id(), reason, null);
            }
        }
    }

    /**
     * After a (re)connect: blocks whose outbound flow is gone are released; blocks the table does not know but
     * the switch carries (a controller restart) are taken back with their ports, host and delivery as the
     * flows say; block flows that describe no block are deleted.
     *
     * @return {restored, deleted, released}
     */
    int[] reconcile(Border b, List<OFFlowStatsEntry> entries) {
        Map<Long, OFFlowStatsEntry> outbound = new java.util.HashMap<>();
        Map<Long, OFFlowStatsEntry> inbound = new java.util.HashMap<>();
        for (OFFlowStatsEntry e : entries) {
            if (NatCookies.isBlock(e.getCookie())) {
                (NatCookies.isOutbound(e.getCookie()) ? outbound : inbound)
                        .putIfAbsent(NatCookies.blockId(e.getCookie()), e);
            }
        }
        int released = 0;
        for (PortBlock x : blocks.all()) {
            if (x.dpid().equals(b.dpid()) && !outbound.containsKey(x.id()) && !installing.containsKey(x.id())) {
                release(x.inside(), x.id(), "flows-vanished", b);
                released++;
            }
        }
        Set<Long> ids = new HashSet<>(outbound.keySet());
        ids.addAll(inbound.keySet());
        int restored = 0;
        int deleted = 0;
        for (long id : ids) {
            if (blocks.byId(id).filter(x -> x.dpid().equals(b.dpid())).isPresent()) {
                continue;
            }
            OFFlowStatsEntry out = outbound.get(id);
            OFFlowStatsEntry in = inbound.get(id);
            PortBlock block = out == null || in == null ? null
                    : BlockFlows.read(id, out, in, b.dpid(), System.currentTimeMillis());
            if (block != null && b.owns(block.address()) && blocks.restore(block)) {
                restored++;
                log.info("event=nat-block-restored id={} inside={} public={} ports={}-{} dpid={} start={}",
                        block.id(), block.inside(), block.address(), block.first(), block.last(), block.dpid(),
                        block.createdAt());
            } else {
                flows.apply(b.dpid(), List.of(blockFlows.deleteBlock(b.factory(), id)));
                deleted++;
            }
        }
        return new int[] {restored, deleted, released};
    }
}
