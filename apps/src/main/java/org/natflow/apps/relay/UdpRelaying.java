package org.natflow.apps.relay;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.apps.AppCookies;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.PoolBoundPacket;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowRemovedListener;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet-in and idle path of UDP relays: binds each leg to the first peer that sends to it and, once both
 * legs are bound, installs the flows that relay between the peers in the switch; when a direction idles out it
 * keeps relaying while the other still carries traffic, and releases the bindings when neither does.
 */
public final class UdpRelaying implements PacketListener, FlowRemovedListener {

    // Logs as RelayService: one logger category per app, as operators configure and grep it.
    private static final Logger log = LoggerFactory.getLogger(RelayService.class);

    private final GatewayConfig config;
    private final RelayTable relays;
    private final FlowService flows;
    private final PacketService packets;
    private final Borders borders;
    private final StatisticsService statistics;
    private final RelayFlows relayFlows;
    private final LongAdder packetIns = new LongAdder();

    UdpRelaying(GatewayConfig config, RelayTable relays, FlowService flows, PacketService packets, Borders borders,
                StatisticsService statistics, RelayFlows relayFlows) {
        this.config = config;
        this.relays = relays;
        this.flows = flows;
        this.packets = packets;
        this.borders = borders;
        this.statistics = statistics;
        this.relayFlows = relayFlows;
    }

    /** Packets of relays that reached the controller. */
    long packetIns() {
        return packetIns.sum();
    }

    // ---- packets --------------------------------------------------------------------------------------------

    @Override
    public boolean onPacket(PacketContext ctx) {
        Border b = borders.border(ctx.dpid());
        PoolBoundPacket packet = b == null ? null : PoolBoundPacket.of(ctx, b, config);
        if (packet == null || packet.ports().protocol() != Protocol.UDP) {
            return false; // TCP relay legs are handled by the service link
        }
        EthernetFrame frame = ctx.frame();
        Ipv4Packet ip = packet.ip();
        int sport = packet.ports().srcPort();
        int dport = packet.ports().dstPort();
        LiveRelay relay = relays.at(Protocol.UDP, ip.dst(), dport);
        if (relay == null) {
            return false;
        }
        if (!packet.servable()) {
            return true;
        }
        boolean fromInside = packet.fromInside();
        packetIns.increment();
        relay.controllerPackets.increment();
        int leg = relay.rule.legOn(dport);
        if (!relay.rule.legs().get(leg).admits(ip.src()) || ip.ttl() <= 1) {
            return true;
        }
        Endpoint src = new Endpoint(ip.src(), sport);
        BoundPeer peer = fromInside ? new BoundPeer(src, true, frame.src(), borders.hosts().hostPort(b, ctx.inPort()))
                : new BoundPeer(src, false, null, null);
        synchronized (relay) {
            if (!relays.holds(relay)) {
                return true; // deleted meanwhile
            }
            if (relay.peers[leg] == null) {
                if (relay.dpid != null && !relay.dpid.equals(b.dpid())) {
                    return true; // the other leg is bound on another border
                }
                relay.peers[leg] = peer;
                relay.dpid = b.dpid();
                log.info("event=relay-bound id={} leg={} peer={}{}", relay.rule.id(), leg, src,
                        fromInside ? " (inside)" : "");
                if (!relay.bothBound()) {
                    if (!fromInside) {
                        // The peer waits for its partner; its packets (and strangers') are dropped in the switch.
                        flows.apply(b.dpid(), List.of(relayFlows.delete(b.factory(), relay.rule.id(), leg),
                                relayFlows.legDrop(b.factory(), b.uplink(), relay.rule, leg, relay.rule.idleTimeout())));
                    }
                    return true;
                }
            } else if (!relay.peers[leg].endpoint().equals(src)) {
                return true; // a stranger on a bound leg
            }
            if (!relay.bothBound()) {
                return true;
            }
        }
        startRelaying(b, relay, ctx.inPort(), frame.bytes());
        return true;
    }

    private void startRelaying(Border b, LiveRelay relay, OFPort inPort, byte[] data) {
        BoundPeer p0;
        BoundPeer p1;
        synchronized (relay) {
            p0 = relay.peers[0];
            p1 = relay.peers[1];
        }
        CompletableFuture<MacAddress> mac0 = macOf(b, p0);
        CompletableFuture<MacAddress> mac1 = macOf(b, p1);
        mac0.thenCombine(mac1, (m0, m1) -> {
            RelayRule r = relay.rule;
            List<OFMessage> m = List.of(relayFlows.direction(b.factory(), b.uplink(), r, 0, p0, p1, m1),
                    relayFlows.direction(b.factory(), b.uplink(), r, 1, p1, p0, m0),
                    relayFlows.delete(b.factory(), r.id(), 0), relayFlows.delete(b.factory(), r.id(), 1),
                    relayFlows.legDrop(b.factory(), b.uplink(), r, 0, 0),
                    relayFlows.legDrop(b.factory(), b.uplink(), r, 1, 0));
            return flows.apply(b.dpid(), m);
        }).thenCompose(x -> x).whenComplete((res, e) -> {
            if (e != null || !res.ok()) {
                log.warn("event=relay-install-failed id={} error=\"{}\"", relay.rule.id(),
                        e != null ? e.toString() : res.errors().get(0).describe());
                return;
            }
            boolean first;
            synchronized (relay) {
                first = !relay.relaying;
                relay.relaying = true;
                relay.seen[0] = 0;
                relay.seen[1] = 0;
            }
            if (first) {
                log.info("event=relay-active id={} peers={}<->{}", relay.rule.id(), p0.endpoint(), p1.endpoint());
            }
            packets.packetOut(b.dpid(), inPort, List.of(b.factory().actions().output(OFPort.TABLE, 0)), data);
        });
    }

    private CompletableFuture<MacAddress> macOf(Border b, BoundPeer p) {
        return p.inside() ? CompletableFuture.completedFuture(p.mac()) : borders.routes().nextHopMac(b, p.endpoint().address());
    }

    // ---- idle ---------------------------------------------------------------------------------------------

    @Override
    public void flowRemoved(Dpid dpid, OFFlowRemoved message) {
        if (AppCookies.app(message.getCookie()) != AppCookies.RELAY
                || message.getReason() == OFFlowRemovedReason.DELETE) {
            return;
        }
        LiveRelay relay = relays.get(RelayFlows.ruleId(message.getCookie()));
        Border b = borders.border(dpid);
        if (relay == null || b == null) {
            return;
        }
        int kind = RelayFlows.kind(message.getCookie());
        if (kind < RelayFlows.KIND_DIRECTION) {
            // A leg bound alone waited in vain: it takes a new peer again.
            synchronized (relay) {
                if (relay.relaying || relay.peers[kind] == null) {
                    return;
                }
                log.info("event=relay-released id={} leg={} peer={} reason=idle", relay.rule.id(), kind,
                        relay.peers[kind].endpoint());
                relay.peers[kind] = null;
                if (relay.peers[1 - kind] == null) {
                    relay.dpid = null;
                }
            }
            flows.apply(dpid, List.of(relayFlows.legPunt(b.factory(), b.uplink(), relay.rule, kind)));
            return;
        }
        int dir = kind - RelayFlows.KIND_DIRECTION;
        int other = 1 - dir;
        synchronized (relay) {
            if (!relay.relaying) {
                return;
            }
            relay.removedPackets[dir] += message.getPacketCount().getValue();
            relay.removedBytes[dir] += message.getByteCount().getValue();
        }
        // One direction idled out. If the other still carries traffic (a one-way stream), keep relaying.
        statistics.flowStats(dpid, RelayFlows.cookie(relay.rule.id(), RelayFlows.KIND_DIRECTION + other),
                org.projectfloodlight.openflow.types.U64.of(-1L)).whenComplete((entries, e) -> {
                    long count = entries == null || entries.isEmpty() ? -1 : entries.get(0).getPacketCount().getValue();
                    BoundPeer from;
                    BoundPeer to;
                    synchronized (relay) {
                        if (!relay.relaying) {
                            return;
                        }
                        if (count > relay.seen[other]) {
                            relay.seen[other] = count;
                            relay.seen[dir] = 0;
                            from = relay.peers[dir];
                            to = relay.peers[other];
                        } else {
                            from = null;
                            to = null;
                            relay.unbind("idle");
                        }
                    }
                    if (from != null) {
                        macOf(b, to).thenAccept(mac -> flows.apply(dpid, List.of(relayFlows.direction(b.factory(),
                                b.uplink(), relay.rule, dir, from, to, mac))));
                    } else {
                        flows.apply(dpid, List.of(relayFlows.delete(b.factory(), relay.rule.id(), 2),
                                relayFlows.delete(b.factory(), relay.rule.id(), 3),
                                relayFlows.delete(b.factory(), relay.rule.id(), 0),
                                relayFlows.delete(b.factory(), relay.rule.id(), 1),
                                relayFlows.legPunt(b.factory(), b.uplink(), relay.rule, 0),
                                relayFlows.legPunt(b.factory(), b.uplink(), relay.rule, 1)));
                    }
                });
    }

}
