package org.natflow.apps.relay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.AppCookies;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.BorderApp;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.StatisticsService;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relay rules: validates and stores them, keeps their ports from dynamic NAPT, binds each leg to the first
 * peer that sends to it and, once both legs are bound, has the border relay UDP between the peers in flows
 * (the controller sees only the first packet of each leg: {@link UdpRelaying}). TCP legs are spliced by a
 * {@link TcpRelay}. Bindings are released after the rule's idle timeout without traffic in either direction.
 */
public final class RelayService implements BorderApp {

    private static final Logger log = LoggerFactory.getLogger(RelayService.class);
    /** How relays name their ports in other rules' conflicts. */
    private static final String OWNER = "a relay";

    private final GatewayConfig config;
    private final PublicPorts ports;
    private final RelayStore store;
    private final FlowService flows;
    private final PacketService packets;
    private final Borders borders;
    private final StatisticsService statistics;
    private final RelayFlows relayFlows;
    private final RelayTable relays = new RelayTable();
    private final UdpRelaying udp;
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
        this.udp = new UdpRelaying(config, relays, flows, packets, borders, statistics, relayFlows);
    }

    /** The UDP legs' packet-in and idle path (a packet listener and flow-removed listener to register). */
    public UdpRelaying udp() {
        return udp;
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
        relays.add(r);
        if (r.protocol() == Protocol.TCP && tcp != null) {
            tcp.open(r);
        }
    }

    /** Packets of relays that reached the controller. */
    public long packetIns() {
        return udp.packetIns();
    }

    /** Number of relay rules. */
    public int size() {
        return relays.size();
    }

    /** Every rule, by id (from memory; the store is the record). */
    public List<RelayRule> all() {
        return relays.all().stream().map(r -> r.rule).sorted(Comparator.comparingLong(RelayRule::id))
                .toList();
    }

    /** The rule with this id. */
    public Optional<RelayRule> get(long id) {
        return Optional.ofNullable(relays.get(id)).map(r -> r.rule);
    }

    /** A rule with its bindings and counters (counters read from the switch, at most two seconds). */
    public Optional<RelayStatus> status(long id) {
        LiveRelay relay = relays.get(id);
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
        LiveRelay relay = relays.get(id);
        if (relay == null) {
            throw notFound(id);
        }
        RelayRule r = relay.rule;
        store.delete(id);
        relays.remove(id);
        for (RelayLeg l : r.legs()) {
            ports.unreserve(r.protocol(), r.publicAddress(), l.publicPort());
        }
        synchronized (relay) {
            relay.relaying = false;
            relay.peers[0] = null;
            relay.peers[1] = null;
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
        LiveRelay other = relays.at(rule.protocol(), rule.publicAddress(), port);
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
            if (relays.get(id) == null) {
                log.info("event=relay-stale-flows-deleted id={} dpid={}", id, b.dpid());
                flows.apply(b.dpid(), List.of(relayFlows.deleteAll(b.factory(), id)));
            }
        }
        for (LiveRelay relay : relays.all()) {
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

    private void restore(Border b, LiveRelay relay, Map<Integer, OFFlowStatsEntry> found) {
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

    /** A border stopped being one: bindings on it end (its relay flows go; it punts again when re-adopted). */
    @Override
    public void borderRetired(Border b) {
        for (LiveRelay relay : relays.all()) {
            synchronized (relay) {
                if (b.dpid().equals(relay.dpid)) {
                    relay.unbind("border-retired");
                }
            }
        }
    }
}
