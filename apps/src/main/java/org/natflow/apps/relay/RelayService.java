package org.natflow.apps.relay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.apps.AppCookies;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.BorderApp;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.PoolBoundPacket;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
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
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relay rules: validates and stores them, keeps their ports from dynamic NAPT, binds each leg to the first
 * peer that sends to it and, once both legs are bound, has the border relay UDP between the peers in flows
 * (the controller sees only the first packet of each leg). TCP legs are spliced by a {@link TcpRelay}.
 * Bindings are released after the rule's idle timeout without traffic in either direction.
 */
public final class RelayService implements BorderApp, PacketListener, FlowRemovedListener {

    private static final Logger log = LoggerFactory.getLogger(RelayService.class);
    /** How relays name their ports in other rules' conflicts. */
    private static final String OWNER = "a relay";

    /** A rule and its live state; guarded by its own monitor. */
    private static final class Relay {
        final RelayRule rule;
        final BoundPeer[] peers = new BoundPeer[2];
        final long[] removedPackets = new long[2];
        final long[] removedBytes = new long[2];
        final long[] seen = new long[2];
        final LongAdder controllerPackets = new LongAdder();
        Dpid dpid;
        boolean relaying;

        Relay(RelayRule rule) {
            this.rule = rule;
        }

        boolean bothBound() {
            return peers[0] != null && peers[1] != null;
        }
    }

    private record PortKey(Protocol protocol, IPv4Address address, int port) {
    }

    private final GatewayConfig config;
    private final PublicPorts ports;
    private final RelayStore store;
    private final FlowService flows;
    private final PacketService packets;
    private final Borders borders;
    private final StatisticsService statistics;
    private final RelayFlows relayFlows;
    private final Map<Long, Relay> relays = new ConcurrentHashMap<>();
    private final Map<PortKey, Relay> byPort = new ConcurrentHashMap<>();
    private final LongAdder packetIns = new LongAdder();
    private volatile TcpRelay tcp;

    /** Relays on the borders of {@code borders}, their ports in {@code ports}, recorded in {@code store}. */
    public RelayService(PublicPorts ports, RelayStore store, FlowService flows, PacketService packets,
                        Borders borders, StatisticsService statistics) {
        this.config = borders.gateway();
        this.ports = ports;
        this.store = store;
        this.flows = flows;
        this.packets = packets;
        this.borders = borders;
        this.statistics = statistics;
        this.relayFlows = new RelayFlows(config);
    }

    /** Lets TCP relay rules be created: TCP legs terminate on this splicer. */
    public void setTcpRelay(TcpRelay splicer) {
        this.tcp = splicer;
    }

    /** Loads the stored rules, reserves their ports and programs borders as they come up. Call once. */
    public synchronized void start() {
        for (RelayRule r : store.all()) {
            for (RelayLeg l : r.legs()) {
                ports.reserve(r.protocol(), r.publicAddress(), l.publicPort(), OWNER);
            }
            register(r);
        }
        borders.register(this);
    }

    @Override
    public int cookieApp() {
        return AppCookies.RELAY;
    }

    private void register(RelayRule r) {
        Relay relay = new Relay(r);
        relays.put(r.id(), relay);
        for (RelayLeg l : r.legs()) {
            byPort.put(new PortKey(r.protocol(), r.publicAddress(), l.publicPort()), relay);
        }
        if (r.protocol() == Protocol.TCP && tcp != null) {
            tcp.open(r);
        }
    }

    /** Packets of relays that reached the controller. */
    public long packetIns() {
        return packetIns.sum();
    }

    /** Number of relay rules. */
    public int size() {
        return relays.size();
    }

    /** Every rule, by id (from memory; the store is the record). */
    public List<RelayRule> all() {
        return relays.values().stream().map(r -> r.rule).sorted(Comparator.comparingLong(RelayRule::id))
                .toList();
    }

    /** The rule with this id. */
    public Optional<RelayRule> get(long id) {
        return Optional.ofNullable(relays.get(id)).map(r -> r.rule);
    }

    /** A rule with its bindings and counters (counters read from the switch, at most two seconds). */
    public Optional<RelayStatus> status(long id) {
        Relay relay = relays.get(id);
        if (relay == null) {
            return Optional.empty();
        }
        long[] packetsNow;
        long[] bytesNow;
        Dpid dpid;
        synchronized (relay) {
            packetsNow = relay.removedPackets.clone();
            bytesNow = relay.removedBytes.clone();
            dpid = relay.dpid;
        }
        if (relay.rule.protocol() == Protocol.UDP && dpid != null) {
            try {
                for (OFFlowStatsEntry e : statistics.flowStats(dpid, RelayFlows.cookie(id, 0),
                        org.projectfloodlight.openflow.types.U64.of(0xffff_ffff_ffff_fff0L)).get(2, TimeUnit.SECONDS)) {
                    int kind = RelayFlows.kind(e.getCookie());
                    if (kind >= RelayFlows.KIND_DIRECTION) {
                        packetsNow[kind - RelayFlows.KIND_DIRECTION] += e.getPacketCount().getValue();
                        bytesNow[kind - RelayFlows.KIND_DIRECTION] += e.getByteCount().getValue();
                    }
                }
            } catch (Exception e) {
                log.debug("relay {} counters unavailable: {}", id, e.toString());
            }
        } else if (relay.rule.protocol() == Protocol.TCP && tcp != null) {
            for (int i = 0; i < 2; i++) {
                bytesNow[i] += tcp.bytesFrom(id, i);
            }
        }
        List<RelayStatus.LegStatus> legs = new ArrayList<>();
        synchronized (relay) {
            for (int i = 0; i < 2; i++) {
                Endpoint bound = relay.peers[i] != null ? relay.peers[i].endpoint()
                        : (relay.rule.protocol() == Protocol.TCP && tcp != null ? tcp.peer(id, i) : null);
                legs.add(new RelayStatus.LegStatus(bound, packetsNow[i], bytesNow[i]));
            }
        }
        return Optional.of(new RelayStatus(relay.rule, legs, relay.controllerPackets.sum()));
    }

    // ---- rules ----------------------------------------------------------------------------------------------

    /** Validates, checks conflicts, allocates missing ports, stores and applies a new rule. */
    public synchronized RelayRule create(RelayRule draft) {
        RelayRule rule = validate(draft);
        List<RelayLeg> legs = new ArrayList<>();
        List<Integer> reserved = new ArrayList<>();
        try {
            for (int i = 0; i < rule.legs().size(); i++) {
                RelayLeg l = rule.legs().get(i);
                int port = l.publicPort();
                if (port == 0) {
                    port = ports.reserveFree(rule.protocol(), rule.publicAddress(), OWNER);
                    if (port < 0) {
                        throw RuleException.conflict("no free " + rule.protocol().lower() + " port on "
                                + rule.publicAddress() + " for leg " + i);
                    }
                } else {
                    conflict(rule, port, "legs[" + i + "].publicPort");
                    Optional<String> holder = ports.reserve(rule.protocol(), rule.publicAddress(), port, OWNER);
                    if (holder.isPresent()) {
                        throw heldBy(rule, port, "legs[" + i + "].publicPort", holder.get());
                    }
                }
                reserved.add(port);
                legs.add(l.withPort(port));
            }
            RelayRule stored = store.create(rule.withLegs(legs));
            register(stored);
            log.info("event=relay-created id={} rule=\"{}\"", stored.id(), describe(stored));
            for (Border b : borders.all()) {
                install(b, stored);
            }
            return stored;
        } catch (RuntimeException e) {
            reserved.forEach(p -> ports.unreserve(rule.protocol(), rule.publicAddress(), p));
            throw e;
        }
    }

    /** Deletes a rule: its flows go, its bindings end, its ports return to the pool. */
    public synchronized void delete(long id) {
        Relay relay = relays.get(id);
        if (relay == null) {
            throw notFound(id);
        }
        RelayRule r = relay.rule;
        store.delete(id);
        relays.remove(id);
        for (RelayLeg l : r.legs()) {
            byPort.remove(new PortKey(r.protocol(), r.publicAddress(), l.publicPort()));
            ports.unreserve(r.protocol(), r.publicAddress(), l.publicPort());
        }
        if (relay != null) {
            synchronized (relay) {
                relay.relaying = false;
                relay.peers[0] = null;
                relay.peers[1] = null;
            }
        }
        if (r.protocol() == Protocol.TCP && tcp != null) {
            tcp.close(id);
        }
        for (Border b : borders.all()) {
            flows.apply(b.dpid(), List.of(relayFlows.deleteAll(b.factory(), id)));
        }
        log.info("event=relay-deleted id={} rule=\"{}\"", id, describe(r));
    }

    static NotFoundException notFound(long id) {
        return new NotFoundException("no relay " + id);
    }

    private static RuleException invalid(String field, String message) {
        return RuleException.invalid(field, message);
    }

    private static RuleException heldBy(RelayRule rule, int port, String field, String holder) {
        return RuleException.conflict(field + ": " + rule.protocol().lower() + " " + rule.publicAddress() + ":" + port
                + " is held by " + holder);
    }

    private static String owner(long id) {
        return "relay " + id;
    }

    private RelayRule validate(RelayRule r) {
        if (r.protocol() != Protocol.UDP && r.protocol() != Protocol.TCP) {
            throw invalid("protocol", "must be udp or tcp");
        }
        if (r.protocol() == Protocol.TCP && tcp == null) {
            throw invalid("protocol", "tcp relays need the relay service link (natflow.service-link.*), which is"
                    + " not configured");
        }
        if (r.legs().size() != 2) {
            throw invalid("legs", "a relay has exactly two legs, got " + r.legs().size());
        }
        for (int i = 0; i < 2; i++) {
            int port = r.legs().get(i).publicPort();
            if (port < 0 || port > 65535) {
                throw invalid("legs[" + i + "].publicPort", "must be between 1 and 65535, was " + port);
            }
        }
        if (r.legs().get(0).publicPort() != 0 && r.legs().get(0).publicPort() == r.legs().get(1).publicPort()) {
            throw invalid("legs[1].publicPort", "the two legs need different ports");
        }
        if (r.idleTimeout() < 1 || r.idleTimeout() > 65535) {
            throw invalid("idleTimeout", "must be between 1 and 65535 seconds, was " + r.idleTimeout());
        }
        IPv4Address pub = r.publicAddress() == null ? config.publicAddresses().get(0) : r.publicAddress();
        if (!config.isPublic(pub)) {
            throw invalid("publicAddress", pub + " is not in the pool " + config.publicAddresses());
        }
        return new RelayRule(0, r.protocol(), pub, r.legs(), r.idleTimeout(), r.description());
    }

    private void conflict(RelayRule rule, int port, String field) {
        Relay other = byPort.get(new PortKey(rule.protocol(), rule.publicAddress(), port));
        if (other != null) {
            throw heldBy(rule, port, field, owner(other.rule.id()));
        }
        ports.holder(rule.protocol(), rule.publicAddress(), port).ifPresent(h -> {
            throw heldBy(rule, port, field, h);
        });
    }

    private static String describe(RelayRule r) {
        StringBuilder s = new StringBuilder(r.protocol().lower()).append(' ');
        for (int i = 0; i < r.legs().size(); i++) {
            RelayLeg l = r.legs().get(i);
            s.append(i == 0 ? "" : " <-> ").append(r.publicAddress()).append(':').append(l.publicPort());
            if (l.allowedSource() != null) {
                s.append(" from ").append(l.allowedSource());
            }
        }
        return s.append(" idle=").append(r.idleTimeout()).append('s').toString();
    }

    // ---- switches -------------------------------------------------------------------------------------------

    private void install(Border b, RelayRule r) {
        if (r.protocol() != Protocol.UDP) {
            return; // TCP legs are steered by the service link
        }
        List<OFMessage> m = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            m.add(relayFlows.legPunt(b.factory(), b.uplink(), r, i));
        }
        flows.apply(b.dpid(), m);
    }

    @Override
    public boolean readsBack() {
        return true;
    }

    /**
     * A border (re)connected: bindings are read back from its relay flows (a controller restart keeps live
     * relays), unbound legs get their punt flows, and flows of rules that are gone are deleted.
     */
    @Override
    public void reconcile(Border b, List<OFFlowStatsEntry> entries) {
        Map<Long, Map<Integer, OFFlowStatsEntry>> found = new HashMap<>();
        for (OFFlowStatsEntry x : entries) {
            found.computeIfAbsent(RelayFlows.ruleId(x.getCookie()), k -> new HashMap<>())
                    .put(RelayFlows.kind(x.getCookie()), x);
        }
        for (Long id : found.keySet()) {
            if (!relays.containsKey(id)) {
                log.info("event=relay-stale-flows-deleted id={} dpid={}", id, b.dpid());
                flows.apply(b.dpid(), List.of(relayFlows.deleteAll(b.factory(), id)));
            }
        }
        for (Relay relay : relays.values()) {
            if (relay.rule.protocol() == Protocol.UDP) {
                restore(b, relay, found.getOrDefault(relay.rule.id(), Map.of()));
            }
        }
    }

    /** Nothing could be read back: every UDP relay starts afresh on the border, its legs punting again. */
    @Override
    public void reconcileFailed(Border b, Throwable error) {
        reconcile(b, List.of());
    }

    private void restore(Border b, Relay relay, Map<Integer, OFFlowStatsEntry> found) {
        OFFlowStatsEntry d0 = found.get(RelayFlows.KIND_DIRECTION);
        OFFlowStatsEntry d1 = found.get(RelayFlows.KIND_DIRECTION + 1);
        synchronized (relay) {
            if (relay.relaying) {
                return;
            }
            if (d0 != null && d1 != null) {
                BoundPeer p0 = RelayFlowReader.peer(d0, b.uplink());
                BoundPeer p1 = RelayFlowReader.peer(d1, b.uplink());
                if (p0 != null && p1 != null) {
                    relay.peers[0] = p0;
                    relay.peers[1] = p1;
                    relay.dpid = b.dpid();
                    relay.relaying = true;
                    log.info("event=relay-restored id={} peers={}<->{}", relay.rule.id(), p0.endpoint(),
                            p1.endpoint());
                    flows.apply(b.dpid(), List.of(relayFlows.legDrop(b.factory(), b.uplink(), relay.rule, 0, 0),
                            relayFlows.legDrop(b.factory(), b.uplink(), relay.rule, 1, 0)));
                    return;
                }
            }
        }
        List<OFMessage> m = new ArrayList<>();
        for (int kind = 0; kind < 4; kind++) {
            m.add(relayFlows.delete(b.factory(), relay.rule.id(), kind));
        }
        flows.apply(b.dpid(), m);
        install(b, relay.rule);
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
        Relay relay = byPort.get(new PortKey(Protocol.UDP, ip.dst(), dport));
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
            if (relays.get(relay.rule.id()) != relay) {
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

    private void startRelaying(Border b, Relay relay, OFPort inPort, byte[] data) {
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
        Relay relay = relays.get(RelayFlows.ruleId(message.getCookie()));
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
                            release(relay);
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

    /** A border stopped being one: bindings on it end (its relay flows go; it punts again when re-adopted). */
    @Override
    public void borderRetired(Border b) {
        for (Relay relay : relays.values()) {
            synchronized (relay) {
                if (b.dpid().equals(relay.dpid)) {
                    log.info("event=relay-released id={} reason=border-retired dpid={}", relay.rule.id(), b.dpid());
                    relay.relaying = false;
                    relay.peers[0] = null;
                    relay.peers[1] = null;
                    relay.dpid = null;
                }
            }
        }
    }

    private void release(Relay relay) {
        log.info("event=relay-released id={} peers={}<->{} reason=idle", relay.rule.id(),
                relay.peers[0].endpoint(), relay.peers[1].endpoint());
        relay.relaying = false;
        relay.peers[0] = null;
        relay.peers[1] = null;
        relay.dpid = null;
    }
}
