package org.natflow.apps.forward;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.nat.Border;
import org.natflow.apps.nat.HostLocation;
import org.natflow.apps.nat.NaptService;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatSession;
import org.natflow.apps.nat.Protocol;
import org.natflow.apps.nat.SessionTable;
import org.natflow.apps.AppCookies;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.StatisticsService;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port forwards: validates rules, refuses conflicts (with other rules, and with live dynamic mappings, which
 * are never broken), keeps their ports from dynamic allocation, and programs every border switch. A rule is
 * checked completely before it is stored, so a refused request changes nothing.
 */
public final class PortForwardService {

    private static final Logger log = LoggerFactory.getLogger(PortForwardService.class);
    /** How reserved ports name their holder in other rules' conflicts. */
    private static final String OWNER = "a port forward";

    private final NatConfig config;
    private final SessionTable table;
    private final PortForwardStore store;
    private final FlowService flows;
    private final NaptService napt;
    private final ForwardFlows forwardFlows;
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "natflow-forward-retry");
        t.setDaemon(true);
        return t;
    });

    private final StatisticsService statistics;

    public PortForwardService(NatConfig config, SessionTable table, PortForwardStore store, FlowService flows,
                              NaptService napt, StatisticsService statistics) {
        this.statistics = statistics;
        this.config = config;
        this.table = table;
        this.store = store;
        this.flows = flows;
        this.napt = napt;
        this.forwardFlows = new ForwardFlows(config);
    }

    /** Reserves the stored rules' ports and programs borders as they come up. Call once at start-up. */
    public synchronized void start() {
        for (PortForwardRule r : store.all()) {
            reserve(r);
        }
        napt.setStaticTargets(this::target);
        refreshPins();
        napt.addBorderListener(this::adopt);
        napt.addBorderRetiredListener(b -> flows.apply(b.dpid(),
                List.of(AppCookies.deleteAll(b.factory(), AppCookies.FORWARD))));
    }

    /**
     * Tells the NAT which public address each forwarded host answers from, so across a campus its replies
     * leave by the border that owns the forward's address.
     */
    private void refreshPins() {
        java.util.Map<org.projectfloodlight.openflow.types.IPv4Address,
                org.projectfloodlight.openflow.types.IPv4Address> pins = new java.util.HashMap<>();
        for (PortForwardRule r : store.all()) {
            if (r.enabled()) {
                pins.putIfAbsent(r.insideAddress(), r.publicAddress());
            }
        }
        napt.setPinnedAddresses(pins);
    }

    /**
     * A border (re)connected: enabled rules are installed again (an add replaces an identical flow, so live
     * forwarded connections see no gap) and forward flows of rules that are gone or disabled are deleted.
     */
    private void adopt(Border b) {
        List<PortForwardRule> rules = store.all();
        rules.stream().filter(PortForwardRule::enabled).forEach(r -> install(b, r));
        java.util.Set<Long> live = new java.util.HashSet<>();
        rules.stream().filter(PortForwardRule::enabled).forEach(r -> live.add(r.id()));
        statistics.flowStats(b.dpid(), AppCookies.appOnly(AppCookies.FORWARD), AppCookies.APP_MASK)
                .thenAccept(entries -> entries.stream()
                        .map(e -> e.getCookie().getValue() & 0x0000_ffff_ffff_ffffL).distinct()
                        .filter(id -> !live.contains(id)).forEach(id -> {
                            log.info("event=forward-stale-flows-deleted id={} dpid={}", id, b.dpid());
                            flows.apply(b.dpid(), List.of(forwardFlows.remove(b, id)));
                        }));
    }

    public List<PortForwardRule> all() {
        return store.all();
    }

    public Optional<PortForwardRule> get(long id) {
        return store.get(id);
    }

    /** Validates, checks conflicts, stores and applies a new rule. */
    public synchronized PortForwardRule create(PortForwardRule draft) {
        PortForwardRule rule = validate(draft);
        conflicts(rule, -1);
        reserve(rule);
        PortForwardRule stored;
        try {
            stored = store.create(rule);
        } catch (RuntimeException e) {
            unreserve(rule);
            throw e;
        }
        log.info("event=forward-created id={} rule=\"{}\"", stored.id(), describe(stored));
        apply(null, stored);
        refreshPins();
        return stored;
    }

    /** Replaces a rule: same checks as create; the old flows go, the new ones come. */
    public synchronized PortForwardRule update(long id, PortForwardRule draft) {
        PortForwardRule old = store.get(id).orElseThrow(() -> notFound(id));
        PortForwardRule rule = validate(draft).withId(id);
        conflicts(rule, id);
        unreserve(old);
        try {
            reserve(rule);
        } catch (RuleException e) {
            reserve(old);
            throw e;
        }
        PortForwardRule stored = store.update(rule).orElseThrow(() -> notFound(id));
        log.info("event=forward-updated id={} rule=\"{}\"", id, describe(stored));
        apply(old, stored);
        refreshPins();
        return stored;
    }

    public synchronized void delete(long id) {
        PortForwardRule old = store.get(id).orElseThrow(() -> notFound(id));
        store.delete(id);
        unreserve(old);
        log.info("event=forward-deleted id={} rule=\"{}\"", id, describe(old));
        apply(old, null);
        refreshPins();
    }

    private static RuleException notFound(long id) {
        return new RuleException(RuleException.Kind.NOT_FOUND, null, "no port forward " + id);
    }

    private PortForwardRule validate(PortForwardRule r) {
        if (r.protocol() == null || r.protocol() == Protocol.ICMP) {
            throw RuleException.invalid("protocol", "must be tcp or udp");
        }
        checkPort("publicPort", r.publicPort());
        checkPort("publicPortEnd", r.publicPortEnd());
        checkPort("insidePort", r.insidePort());
        if (r.publicPortEnd() < r.publicPort()) {
            throw RuleException.invalid("publicPortEnd", "must not be below publicPort");
        }
        if (r.insidePort() + r.size() - 1 > 65535) {
            throw RuleException.invalid("insidePort", "the range would end above 65535");
        }
        if (r.size() > 1024) {
            throw RuleException.invalid("publicPortEnd", "a range may span at most 1024 ports");
        }
        IPv4Address pub = r.publicAddress() == null ? config.publicAddresses().get(0) : r.publicAddress();
        if (!config.isPublic(pub)) {
            throw RuleException.invalid("publicAddress", pub + " is not in the pool " + config.publicAddresses());
        }
        if (r.insideAddress() == null || !config.isInside(r.insideAddress())) {
            throw RuleException.invalid("insideAddress", r.insideAddress() + " is not in the inside networks "
                    + config.insideNetworks());
        }
        return new PortForwardRule(r.id(), r.protocol(), pub, r.publicPort(), r.publicPortEnd(), r.insideAddress(),
                r.insidePort(), r.allowedSources(), r.description(), r.enabled());
    }

    private static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw RuleException.invalid(field, "must be between 1 and 65535, was " + port);
        }
    }

    private void conflicts(PortForwardRule rule, long exceptId) {
        for (PortForwardRule other : store.all()) {
            if (other.id() != exceptId && other.overlaps(rule)) {
                throw new RuleException(RuleException.Kind.CONFLICT, null, rule.protocol().lower() + " "
                        + rule.publicAddress() + ":" + rule.publicPort() + "-" + rule.publicPortEnd()
                        + " overlaps port forward " + other.id() + " (" + describe(other) + ")");
            }
            if (other.id() != exceptId && other.sharesInsideEndpoint(rule)) {
                // Replies are translated by their inside source alone: two public ports for one inside
                // endpoint could not be told apart on the way back.
                throw new RuleException(RuleException.Kind.CONFLICT, null, "inside endpoint "
                        + rule.insideAddress() + ":" + rule.insidePort() + " is already forwarded by port forward "
                        + other.id() + " (" + describe(other) + ")");
            }
        }
        PortForwardRule previous = exceptId < 0 ? null : store.get(exceptId).orElse(null);
        for (int port = rule.publicPort(); port <= rule.publicPortEnd(); port++) {
            if (previous != null && previous.covers(rule.protocol(), rule.publicAddress(), port)) {
                continue; // its own port
            }
            Optional<String> holder = table.holder(rule.protocol(), rule.publicAddress(), port);
            if (holder.isPresent()) {
                throw new RuleException(RuleException.Kind.CONFLICT, null, "public port " + port + " is held by "
                        + holder.get());
            }
        }
    }

    private void reserve(PortForwardRule r) {
        List<Integer> done = new ArrayList<>();
        for (int port = r.publicPort(); port <= r.publicPortEnd(); port++) {
            Optional<String> holder = table.reserve(r.protocol(), r.publicAddress(), port, OWNER);
            if (holder.isPresent()) {
                done.forEach(p -> table.unreserve(r.protocol(), r.publicAddress(), p));
                throw new RuleException(RuleException.Kind.CONFLICT, null, "public port " + port + " is held by "
                        + holder.get());
            }
            done.add(port);
        }
    }

    private void unreserve(PortForwardRule r) {
        for (int port = r.publicPort(); port <= r.publicPortEnd(); port++) {
            table.unreserve(r.protocol(), r.publicAddress(), port);
        }
    }

    private void apply(PortForwardRule old, PortForwardRule now) {
        for (Border b : napt.borderSwitches()) {
            if (old != null) {
                flows.apply(b.dpid(), List.of(forwardFlows.remove(b, old.id())));
            }
            if (now != null && now.enabled()) {
                install(b, now);
            }
        }
    }

    /** Finds the server, then installs; retries every few seconds while the server cannot be found. */
    private void install(Border b, PortForwardRule r) {
        napt.locateInside(b, r.insideAddress()).whenComplete((host, e) -> {
            if (e != null) {
                log.warn("event=forward-server-unreachable id={} inside={} retry=5s", r.id(), r.insideAddress());
                retry.schedule(() -> {
                    if (store.get(r.id()).filter(x -> x.equals(r)).isPresent()
                            && napt.borderSwitches().contains(b)) {
                        install(b, r);
                    }
                }, 5, TimeUnit.SECONDS);
                return;
            }
            flows.apply(b.dpid(), forwardFlows.install(b, r, host)).whenComplete((res, err) -> {
                if (err != null || !res.ok()) {
                    log.warn("event=forward-install-failed id={} dpid={} error=\"{}\"", r.id(), b.dpid(),
                            err != null ? err.toString() : res.errors().get(0).describe());
                } else {
                    log.info("event=forward-installed id={} dpid={} flows={}", r.id(), b.dpid(), res.sent());
                }
            });
        });
    }

    /** The forwarded inside endpoint behind a public endpoint, for hairpinning. */
    private Optional<NatSession> target(Protocol p, IPv4Address address, int port) {
        for (PortForwardRule r : store.all()) {
            if (r.enabled() && r.covers(p, address, port)) {
                for (Border b : napt.borderSwitches()) {
                    HostLocation host = napt.locateInside(b, r.insideAddress()).getNow(null);
                    if (host != null) {
                        return Optional.of(new NatSession(0, p, r.insideAddress(),
                                r.insidePort() + (port - r.publicPort()), address, port, Instant.EPOCH, b.dpid(),
                                host.mac(), host.port()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(PortForwardRule r) {
        return r.protocol().lower() + " " + r.publicAddress() + ":" + r.publicPort()
                + (r.size() > 1 ? "-" + r.publicPortEnd() : "") + " -> " + r.insideAddress() + ":" + r.insidePort()
                + (r.allowedSources().isEmpty() ? "" : " from " + r.allowedSources()) + (r.enabled() ? "" : " disabled");
    }

    public void shutdown() {
        retry.shutdownNow();
    }
}
