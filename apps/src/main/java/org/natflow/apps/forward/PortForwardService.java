package org.natflow.apps.forward;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.NamedThreads;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port forwards: validates rules, refuses conflicts (with other rules, and with live dynamic mappings, which
 * are never broken), keeps their ports in {@link PublicPorts} (with the server behind each, so inside hosts
 * reach it by hairpinning), and programs every border switch. A rule is checked completely before it is
 * stored, so a refused request changes nothing. The rules are kept in memory, with the store as the record:
 * nothing on a packet path or a border's lifecycle reads the database.
 */
public final class PortForwardService implements BorderApp {

    private static final Logger log = LoggerFactory.getLogger(PortForwardService.class);
    /** How reserved ports name their holder in other rules' conflicts. */
    private static final String OWNER = "a port forward";

    private final GatewayConfig gateway;
    private final PublicPorts ports;
    private final PortForwardStore store;
    private final FlowService flows;
    private final Borders borders;
    private final ForwardFlows forwardFlows;
    private final ScheduledExecutorService retry =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("natflow-forward-retry"));
    private final Map<Long, PortForwardRule> rules = new ConcurrentSkipListMap<>();
    private final java.time.Clock clock;

    /** Forwards on the borders of {@code borders}, their ports in {@code ports}, recorded in {@code store}. */
    public PortForwardService(PublicPorts ports, PortForwardStore store, FlowService flows, Borders borders) {
        this(ports, store, flows, borders, java.time.Clock.systemUTC());
    }

    /** The same, with expiries measured by {@code clock}. */
    public PortForwardService(PublicPorts ports, PortForwardStore store, FlowService flows, Borders borders,
                              java.time.Clock clock) {
        this.clock = clock;
        this.gateway = borders.gateway();
        this.ports = ports;
        this.store = store;
        this.flows = flows;
        this.borders = borders;
        this.forwardFlows = new ForwardFlows(gateway);
    }

    /**
     * Loads the stored rules, reserves their ports and programs borders as they come up; from then on, rules
     * with an expiry (applications' own forwards) are deleted when it passes. Call once.
     */
    public synchronized void start() {
        for (PortForwardRule r : store.all()) {
            reserve(r);
            rules.put(r.id(), r);
        }
        refreshPins();
        borders.register(this);
        retry.scheduleWithFixedDelay(() -> expire(clock.millis()), 1, 1, TimeUnit.SECONDS);
    }

    /** Deletes every rule whose expiry is at or before {@code nowMillis} (the service's timer calls it each second). */
    public synchronized void expire(long nowMillis) {
        for (PortForwardRule r : List.copyOf(rules.values())) {
            if (r.expiresMillis() > 0 && r.expiresMillis() <= nowMillis) {
                try {
                    delete(r.id());
                    log.info("event=forward-expired id={} source={} rule=\"{}\"", r.id(), r.source(), describe(r));
                } catch (RuntimeException e) {
                    log.warn("event=forward-expiry-failed id={} error=\"{}\"", r.id(), e.toString());
                }
            }
        }
    }

    /** Moves a rule's expiry (an application renewed its mapping); its flows stay as they are. */
    public synchronized PortForwardRule renew(long id, long expiresMillis) {
        PortForwardRule r = existing(id).withExpiry(expiresMillis);
        store.update(r).orElseThrow(() -> notFound(id));
        rules.put(id, r);
        return r;
    }

    @Override
    public int cookieApp() {
        return AppCookies.FORWARD;
    }

    /**
     * Tells the borders which public address each forwarded host answers from, so across a campus its replies
     * leave by the border that owns the forward's address.
     */
    private void refreshPins() {
        Map<IPv4Address, IPv4Address> pins = new HashMap<>();
        for (PortForwardRule r : rules.values()) {
            if (r.enabled()) {
                pins.putIfAbsent(r.insideAddress(), r.publicAddress());
            }
        }
        borders.pin(AppCookies.FORWARD, pins);
    }

    /** A border (re)connected: enabled rules are installed again (an add replaces an identical flow). */
    @Override
    public void borderUp(Border b) {
        rules.values().stream().filter(PortForwardRule::enabled).forEach(r -> install(b, r));
    }

    @Override
    public boolean readsBack() {
        return true;
    }

    /** Forward flows of rules that are gone or disabled are deleted. */
    @Override
    public void reconcile(Border b, List<OFFlowStatsEntry> entries) {
        Set<Long> live = new HashSet<>();
        rules.values().stream().filter(PortForwardRule::enabled).forEach(r -> live.add(r.id()));
        entries.stream().map(e -> e.getCookie().getValue() & 0x0000_ffff_ffff_ffffL).distinct()
                .filter(id -> !live.contains(id)).forEach(id -> {
                    log.info("event=forward-stale-flows-deleted id={} dpid={}", id, b.dpid());
                    flows.apply(b.dpid(), List.of(forwardFlows.remove(b, id)));
                });
    }

    /** Every rule, by id. */
    public List<PortForwardRule> all() {
        return List.copyOf(rules.values());
    }

    /** The rule with this id. */
    public Optional<PortForwardRule> get(long id) {
        return Optional.ofNullable(rules.get(id));
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
        rules.put(stored.id(), stored);
        log.info("event=forward-created id={} rule=\"{}\"", stored.id(), describe(stored));
        apply(null, stored);
        refreshPins();
        return stored;
    }

    /** Replaces a rule: same checks as create; the old flows go, the new ones come. */
    public synchronized PortForwardRule update(long id, PortForwardRule draft) {
        PortForwardRule old = existing(id);
        PortForwardRule rule = validate(draft).withId(id);
        conflicts(rule, id);
        unreserve(old);
        try {
            reserve(rule);
        } catch (RuleException e) {
            reserve(old);
            throw e;
        }
        PortForwardRule stored;
        try {
            stored = store.update(rule).orElseThrow(() -> notFound(id));
        } catch (RuntimeException e) {
            unreserve(rule);
            reserve(old);
            throw e;
        }
        rules.put(id, stored);
        log.info("event=forward-updated id={} rule=\"{}\"", id, describe(stored));
        apply(old, stored);
        refreshPins();
        return stored;
    }

    /** Deletes a rule: its flows go and its ports return to the pool. */
    public synchronized void delete(long id) {
        PortForwardRule old = existing(id);
        store.delete(id);
        rules.remove(id);
        unreserve(old);
        log.info("event=forward-deleted id={} rule=\"{}\"", id, describe(old));
        apply(old, null);
        refreshPins();
    }

    private PortForwardRule existing(long id) {
        PortForwardRule r = rules.get(id);
        if (r == null) {
            throw notFound(id);
        }
        return r;
    }

    private static NotFoundException notFound(long id) {
        return new NotFoundException("no port forward " + id);
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
        IPv4Address pub = r.publicAddress() == null ? gateway.publicAddresses().get(0) : r.publicAddress();
        if (!gateway.isPublic(pub)) {
            throw RuleException.invalid("publicAddress", pub + " is not in the pool " + gateway.publicAddresses());
        }
        gateway.insideHostProblem(r.insideAddress()).ifPresent(problem -> {
            throw RuleException.invalid("insideAddress", problem);
        });
        return new PortForwardRule(r.id(), r.protocol(), pub, r.publicPort(), r.publicPortEnd(), r.insideAddress(),
                r.insidePort(), r.allowedSources(), r.description(), r.enabled(), r.source(), r.expiresMillis(),
                r.clientTag());
    }

    private static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) {
            throw RuleException.invalid(field, "must be between 1 and 65535, was " + port);
        }
    }

    private void conflicts(PortForwardRule rule, long exceptId) {
        for (PortForwardRule other : rules.values()) {
            if (other.id() != exceptId && other.overlaps(rule)) {
                throw RuleException.conflict(rule.protocol().lower() + " " + rule.publicAddress() + ":"
                        + rule.publicPort() + "-" + rule.publicPortEnd() + " overlaps port forward " + other.id()
                        + " (" + describe(other) + ")");
            }
            if (other.id() != exceptId && other.sharesInsideEndpoint(rule)) {
                // Replies are translated by their inside source alone: two public ports for one inside
                // endpoint could not be told apart on the way back.
                throw RuleException.conflict("inside endpoint " + rule.insideAddress() + ":" + rule.insidePort()
                        + " is already forwarded by port forward " + other.id() + " (" + describe(other) + ")");
            }
        }
        PortForwardRule previous = exceptId < 0 ? null : rules.get(exceptId);
        for (int port = rule.publicPort(); port <= rule.publicPortEnd(); port++) {
            if (previous != null && previous.covers(rule.protocol(), rule.publicAddress(), port)) {
                continue; // its own port
            }
            Optional<String> holder = ports.holder(rule.protocol(), rule.publicAddress(), port);
            if (holder.isPresent()) {
                throw RuleException.conflict("public port " + port + " is held by " + holder.get());
            }
        }
    }

    /** Reserves every public port of a rule, each leading to its server's port while the rule is enabled. */
    private void reserve(PortForwardRule r) {
        List<Integer> done = new ArrayList<>();
        for (int port = r.publicPort(); port <= r.publicPortEnd(); port++) {
            Endpoint server = r.enabled() ? new Endpoint(r.insideAddress(), r.insidePort() + (port - r.publicPort()))
                    : null;
            Optional<String> holder = ports.reserve(r.protocol(), r.publicAddress(), port, OWNER, server);
            if (holder.isPresent()) {
                done.forEach(p -> ports.unreserve(r.protocol(), r.publicAddress(), p));
                throw RuleException.conflict("public port " + port + " is held by " + holder.get());
            }
            done.add(port);
        }
    }

    private void unreserve(PortForwardRule r) {
        for (int port = r.publicPort(); port <= r.publicPortEnd(); port++) {
            ports.unreserve(r.protocol(), r.publicAddress(), port);
        }
    }

    private void apply(PortForwardRule old, PortForwardRule now) {
        for (Border b : borders.all()) {
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
        borders.hosts().locate(b, r.insideAddress()).whenComplete((host, e) -> {
            if (e != null) {
                log.warn("event=forward-server-unreachable id={} inside={} retry=5s", r.id(), r.insideAddress());
                retry.schedule(() -> {
                    if (r.equals(rules.get(r.id())) && borders.all().contains(b)) {
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

    private static String describe(PortForwardRule r) {
        return r.protocol().lower() + " " + r.publicAddress() + ":" + r.publicPort()
                + (r.size() > 1 ? "-" + r.publicPortEnd() : "") + " -> " + r.insideAddress() + ":" + r.insidePort()
                + (r.allowedSources().isEmpty() ? "" : " from " + r.allowedSources()) + (r.enabled() ? "" : " disabled")
                + (PortForwardRule.OPERATOR.equals(r.source()) ? "" : " by " + r.source());
    }

    /** Stops the retry timer. */
    public void shutdown() {
        retry.shutdownNow();
    }
}
