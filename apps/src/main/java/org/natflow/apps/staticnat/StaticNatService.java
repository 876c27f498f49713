package org.natflow.apps.staticnat;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.AppCookies;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.BorderApp;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.HostAddress;
import org.natflow.apps.border.HostLocation;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.staticnat.StaticNatFlows.Kind;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowRemovedListener;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 1:1 static NAT: validates rules and refuses conflicts (the pool, other static addresses, whatever else holds
 * an address whole in {@link org.natflow.apps.border.HostAddresses}), keeps them in memory with the store as the
 * record, and programs the border that serves each (the owner of its {@code via} pool address): stateless
 * rewrite flows both ways, the ARP answers for the address, the host pinned to that border across a campus.
 * With an allow list, the remotes the host sends to are let back in ({@link org.natflow.apps.Pipeline.Band#STATIC_NAT_REMOTE}, learned
 * from a first packet, at most {@link #MAX_REMOTES} per rule); ICMP errors about the address go through
 * {@link StaticNatIcmp}. Hairpinning to a static address is the NAT's ({@code NaptService}).
 */
public final class StaticNatService implements BorderApp, PacketListener, FlowRemovedListener {

    private static final Logger log = LoggerFactory.getLogger(StaticNatService.class);
    /** Most remotes a rule with an allow list lets back in at once. */
    public static final int MAX_REMOTES = 4096;
    private static final String LOG_KIND = "static-nat";

    private final GatewayConfig gateway;
    private final StaticNatStore store;
    private final FlowService flows;
    private final PacketService packets;
    private final Borders borders;
    private final MappingLog mappingLog;
    private final Clock clock;
    private final StaticNatFlows natFlows;
    private final StaticNatIcmp icmp;
    private final int remoteIdleSeconds;
    private final StaticNatMetrics metrics = new StaticNatMetrics();
    private final ScheduledExecutorService retry =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("natflow-static-nat-retry"));
    private final Map<Long, StaticNatRule> rules = new ConcurrentSkipListMap<>();
    private final Map<Long, Long> since = new ConcurrentHashMap<>();
    // Where each enabled rule's flows were installed: its border and the host's location then.
    private final Map<Long, Placement> placed = new ConcurrentHashMap<>();
    // Per rule with an allow list: the remotes let back in, each with the future of its flows.
    private final Map<Long, Map<IPv4Address, CompletableFuture<Boolean>>> remotes = new ConcurrentHashMap<>();

    private record Placement(Dpid dpid, HostLocation host) {
    }

    /**
     * Static NAT on the borders of {@code borders}, recorded in {@code store}; a remote let back in is forgotten
     * after {@code remoteIdle} without a packet to it.
     */
    public StaticNatService(StaticNatStore store, FlowService flows, PacketService packets, Borders borders,
                            MappingLog mappingLog, Duration remoteIdle, Clock clock) {
        this.gateway = borders.gateway();
        this.store = store;
        this.flows = flows;
        this.packets = packets;
        this.borders = borders;
        this.mappingLog = mappingLog;
        this.clock = clock;
        this.natFlows = new StaticNatFlows(gateway);
        this.icmp = new StaticNatIcmp(gateway, packets, borders, metrics);
        this.remoteIdleSeconds = (int) Math.min(65_535, Math.max(1, remoteIdle.toSeconds()));
    }

    /** Loads the stored rules, claims their addresses and programs borders as they come up. Call once. */
    public synchronized void start() {
        for (StaticNatRule r : store.all()) {
            claim(r).ifPresent(held -> log.warn("event=static-nat-conflict id={} holder=\"{}\"", r.id(), held));
            rules.put(r.id(), r);
            since.put(r.id(), clock.millis());
        }
        refreshPins();
        borders.register(this);
    }

    /** What it counts. */
    public StaticNatMetrics metrics() {
        return metrics;
    }

    /** Remotes let back in now, over all rules. */
    public int remotes() {
        return remotes.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public int cookieApp() {
        return AppCookies.STATIC_NAT;
    }

    // ---- the border lifecycle --------------------------------------------------------------------------------

    @Override
    public void borderUp(Border b) {
        rules.values().stream().filter(r -> r.enabled() && b.owns(r.via())).forEach(r -> install(b, r));
    }

    @Override
    public boolean readsBack() {
        return true;
    }

    /** Flows of rules that are gone, disabled or served elsewhere go; remotes still in the switch are kept. */
    @Override
    public void reconcile(Border b, List<OFFlowStatsEntry> entries) {
        Set<Long> stale = new HashSet<>();
        for (OFFlowStatsEntry e : entries) {
            long id = StaticNatFlows.ruleId(e.getCookie());
            StaticNatRule r = rules.get(id);
            if (r == null || !r.enabled() || !b.owns(r.via())) {
                stale.add(id);
            } else if (StaticNatFlows.kind(e.getCookie()) == Kind.REMOTE && !r.openToAll()) {
                IPv4Address remote = StaticNatFlows.remoteOf(e.getMatch());
                if (remote != null) {
                    remotes.computeIfAbsent(id, k -> new ConcurrentHashMap<>())
                            .putIfAbsent(remote, CompletableFuture.completedFuture(true));
                }
            }
        }
        for (long id : stale) {
            log.info("event=static-nat-stale-flows-deleted id={} dpid={}", id, b.dpid());
            flows.apply(b.dpid(), List.of(natFlows.remove(b, id)));
        }
    }

    @Override
    public void borderRetired(Border b) {
        placed.entrySet().removeIf(e -> {
            if (e.getValue().dpid().equals(b.dpid())) {
                remotes.remove(e.getKey());
                return true;
            }
            return false;
        });
    }

    // ---- rules -----------------------------------------------------------------------------------------------

    /** Every rule, by id. */
    public List<StaticNatRule> all() {
        return List.copyOf(rules.values());
    }

    /** The rule with this id. */
    public Optional<StaticNatRule> get(long id) {
        return Optional.ofNullable(rules.get(id));
    }

    /** The remotes a rule with an allow list lets back in now. */
    public List<IPv4Address> remotesOf(long id) {
        Map<IPv4Address, CompletableFuture<Boolean>> m = remotes.get(id);
        return m == null ? List.of() : m.keySet().stream().sorted().toList();
    }

    /** Validates, checks conflicts, stores and applies a new rule. */
    public synchronized StaticNatRule create(StaticNatRule draft) {
        StaticNatRule rule = validate(draft);
        conflicts(rule, -1);
        StaticNatRule stored = store.create(rule);
        Optional<String> holder = claim(stored);
        if (holder.isPresent()) {
            store.delete(stored.id());
            throw RuleException.conflict(stored.publicAddress() + " is held by " + holder.get());
        }
        rules.put(stored.id(), stored);
        since.put(stored.id(), clock.millis());
        log.info("event=static-nat-created id={} rule=\"{}\"", stored.id(), stored.describe());
        apply(null, stored);
        return stored;
    }

    /** Replaces a rule: same checks as create; the old flows go, the new ones come. */
    public synchronized StaticNatRule update(long id, StaticNatRule draft) {
        StaticNatRule old = existing(id);
        StaticNatRule rule = validate(draft).withId(id);
        conflicts(rule, id);
        StaticNatRule stored = store.update(rule).orElseThrow(() -> notFound(id));
        claim(stored);
        rules.put(id, stored);
        log.info("event=static-nat-updated id={} rule=\"{}\"", id, stored.describe());
        apply(old, stored);
        return stored;
    }

    /** Deletes a rule: its flows go, its address is no longer answered for. */
    public synchronized void delete(long id) {
        StaticNatRule old = existing(id);
        store.delete(id);
        rules.remove(id);
        borders.hostAddresses().release(holder(id));
        log.info("event=static-nat-deleted id={} rule=\"{}\"", id, old.describe());
        apply(old, null);
    }

    private StaticNatRule existing(long id) {
        StaticNatRule r = rules.get(id);
        if (r == null) {
            throw notFound(id);
        }
        return r;
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("no static NAT " + id);
    }

    private static String holder(long id) {
        return "static NAT " + id;
    }

    private Optional<String> claim(StaticNatRule r) {
        return borders.hostAddresses().claim(new HostAddress(r.publicAddress(), r.insideAddress(), r.via(),
                holder(r.id()), r.enabled()));
    }

    private StaticNatRule validate(StaticNatRule r) {
        IPv4Address pub = r.publicAddress();
        IPv4AddressWithMask net = gateway.publicNetwork();
        if (pub == null) {
            throw RuleException.invalid("publicAddress", "is required");
        }
        if (!net.contains(pub)) {
            throw RuleException.invalid("publicAddress", pub + " is not in the uplink subnet " + net
                    + " (the border answers ARP for it there)");
        }
        if (pub.equals(net.getValue().and(net.getMask())) || pub.equals(net.getValue().or(net.getMask().not()))) {
            throw RuleException.invalid("publicAddress", pub + " is the network or broadcast address of " + net);
        }
        if (pub.equals(gateway.upstreamGateway())) {
            throw RuleException.invalid("publicAddress", pub + " is the upstream gateway");
        }
        gateway.insideHostProblem(r.insideAddress()).ifPresent(problem -> {
            throw RuleException.invalid("insideAddress", problem);
        });
        IPv4Address via = r.via() == null ? gateway.publicAddresses().get(0) : r.via();
        if (!gateway.isPublic(via)) {
            throw RuleException.invalid("via", via + " is not in the pool " + gateway.publicAddresses()
                    + " (the border that owns it serves the static address)");
        }
        return new StaticNatRule(r.id(), pub, r.insideAddress(), via, r.allowedSources(), r.description(),
                r.enabled());
    }

    private void conflicts(StaticNatRule rule, long exceptId) {
        if (gateway.isPublic(rule.publicAddress())) {
            throw RuleException.conflict(rule.publicAddress() + " is in the NAT pool " + gateway.publicAddresses()
                    + ", shared by NAPT, port forwards and relays; give a static NAT an address of its own");
        }
        for (StaticNatRule other : rules.values()) {
            if (other.id() == exceptId) {
                continue;
            }
            if (other.publicAddress().equals(rule.publicAddress())) {
                throw RuleException.conflict(rule.publicAddress() + " is held by " + other.describe());
            }
            if (other.insideAddress().equals(rule.insideAddress())) {
                throw RuleException.conflict(rule.insideAddress() + " has a static address already: "
                        + other.describe());
            }
        }
        borders.hostAddresses().rangeOf(rule.publicAddress()).ifPresent(range -> {
            throw RuleException.conflict(rule.publicAddress() + " is in " + range);
        });
        String mine = exceptId < 0 ? null : holder(exceptId);
        borders.hostAddresses().byPublic(rule.publicAddress()).filter(a -> !a.holder().equals(mine))
                .ifPresent(a -> {
                    throw RuleException.conflict(rule.publicAddress() + " is held by " + a.holder());
                });
        borders.hostAddresses().byInside(rule.insideAddress()).filter(a -> !a.holder().equals(mine))
                .ifPresent(a -> {
                    throw RuleException.conflict(rule.insideAddress() + " has a public address from " + a.holder());
                });
    }

    private void refreshPins() {
        Map<IPv4Address, IPv4Address> pins = new HashMap<>();
        rules.values().stream().filter(StaticNatRule::enabled).forEach(r -> pins.put(r.insideAddress(), r.via()));
        borders.pin(AppCookies.STATIC_NAT, pins);
    }

    private void apply(StaticNatRule old, StaticNatRule now) {
        refreshPins();
        if (old != null) {
            remotes.remove(old.id());
            placed.remove(old.id());
            if (old.enabled()) {
                mappingLog.addressReleased(LOG_KIND, old.id(), old.insideAddress(), old.publicAddress(),
                        since.getOrDefault(old.id(), clock.millis()), now == null ? "deleted" : "updated");
            }
        }
        if (now != null && now.enabled()) {
            since.put(now.id(), clock.millis());
            mappingLog.addressHeld(LOG_KIND, now.id(), now.insideAddress(), now.publicAddress(), since.get(now.id()));
        } else if (now == null && old != null) {
            since.remove(old.id());
        }
        for (Border b : borders.all()) {
            if (old != null && b.owns(old.via())) {
                flows.apply(b.dpid(), List.of(natFlows.remove(b, old.id())));
                if (now == null || !now.enabled() || !now.publicAddress().equals(old.publicAddress())
                        || !b.owns(now.via())) {
                    borders.arp().stopAnswering(b, old.publicAddress());
                }
            }
            if (now != null && now.enabled() && b.owns(now.via())) {
                install(b, now);
            }
        }
    }

    /** Finds the host, then installs; retries every few seconds while it cannot be found. */
    private void install(Border b, StaticNatRule r) {
        borders.hosts().locate(b, r.insideAddress()).whenComplete((host, e) -> {
            if (!r.equals(rules.get(r.id())) || !borders.all().contains(b)) {
                return;
            }
            if (e != null) {
                log.warn("event=static-nat-host-unreachable id={} inside={} retry=5s", r.id(), r.insideAddress());
                retry.schedule(() -> install(b, r), 5, TimeUnit.SECONDS);
                return;
            }
            placed.put(r.id(), new Placement(b.dpid(), host));
            flows.apply(b.dpid(), natFlows.install(b, r, host)).whenComplete((res, err) -> {
                if (err != null || !res.ok()) {
                    log.warn("event=static-nat-install-failed id={} dpid={} error=\"{}\"", r.id(), b.dpid(),
                            err != null ? err.toString() : res.errors().get(0).describe());
                } else {
                    log.info("event=static-nat-installed id={} dpid={} flows={}", r.id(), b.dpid(), res.sent());
                }
            });
        });
    }

    // ---- packets ----------------------------------------------------------------------------------------------

    /** The packets its own flows sent: a host's first packet to a new remote, ICMP errors. Never blocks. */
    @Override
    public boolean onPacket(PacketContext ctx) {
        if (AppCookies.app(ctx.cookie()) != AppCookies.STATIC_NAT) {
            return false;
        }
        Kind kind = StaticNatFlows.kind(ctx.cookie());
        if (kind == Kind.HAIRPIN || kind == Kind.INSIDE) {
            return false; // the NAT's hairpinning, the gateway's own services: as for any inside host
        }
        Border b = borders.border(ctx.dpid());
        StaticNatRule r = rules.get(StaticNatFlows.ruleId(ctx.cookie()));
        Ipv4Packet ip = ctx.frame().ipv4();
        if (b == null || r == null || !r.enabled() || ip == null || ip.ttl() <= 1) {
            return true;
        }
        if (kind == Kind.ICMP_ERROR) {
            icmp.translate(b, ctx, ip, r, placed.containsKey(r.id()) ? placed.get(r.id()).host() : null);
        } else if (kind == Kind.LEARN) {
            learn(b, ctx, ip, r);
        }
        return true;
    }

    /** A host with an allow list sends to a remote: the remote is let back in, and the packet goes on. */
    private void learn(Border b, PacketContext ctx, Ipv4Packet ip, StaticNatRule r) {
        Placement where = placed.get(r.id());
        IPv4Address remote = ip.dst();
        if (where == null || !where.dpid().equals(b.dpid()) || !ip.src().equals(r.insideAddress())
                || gateway.isInside(remote) || gateway.isPublic(remote)
                || borders.hostAddresses().byPublic(remote).isPresent()) {
            return;
        }
        Map<IPv4Address, CompletableFuture<Boolean>> known = remotes.computeIfAbsent(r.id(),
                k -> new ConcurrentHashMap<>());
        CompletableFuture<Boolean> ready = known.get(remote);
        if (ready == null) {
            if (known.size() >= MAX_REMOTES) {
                metrics.remotesRefused.increment();
                return;
            }
            CompletableFuture<Boolean> mine = new CompletableFuture<>();
            ready = known.putIfAbsent(remote, mine);
            if (ready == null) {
                ready = mine;
                metrics.remotesLearned.increment();
                flows.apply(b.dpid(), natFlows.remote(b, r, where.host(), remote, remoteIdleSeconds))
                        .whenComplete((res, e) -> {
                            boolean ok = e == null && res.ok();
                            if (!ok) {
                                known.remove(remote, mine);
                            }
                            mine.complete(ok);
                        });
            }
        }
        byte[] data = ctx.frame().bytes();
        OFPort inPort = ctx.inPort();
        ready.thenAccept(ok -> {
            if (ok) {
                borders.routes().ensure(b, remote).thenRun(() -> packets.packetOut(b.dpid(), inPort,
                        List.of(b.factory().actions().output(OFPort.TABLE, 0)), data));
            }
        });
    }

    /** A remote's outbound flow idled out: it is no longer let back in (its inbound flow idles out too). */
    @Override
    public void flowRemoved(Dpid dpid, OFFlowRemoved message) {
        if (AppCookies.app(message.getCookie()) != AppCookies.STATIC_NAT
                || StaticNatFlows.kind(message.getCookie()) != Kind.REMOTE
                || message.getReason() == OFFlowRemovedReason.DELETE) {
            return;
        }
        IPv4Address remote = StaticNatFlows.remoteOf(message.getMatch());
        Map<IPv4Address, CompletableFuture<Boolean>> known = remotes.get(StaticNatFlows.ruleId(message.getCookie()));
        if (remote != null && known != null) {
            known.remove(remote);
        }
    }

    /** Stops the retry timer. */
    public void shutdown() {
        retry.shutdownNow();
    }
}
