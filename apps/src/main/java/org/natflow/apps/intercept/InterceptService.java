package org.natflow.apps.intercept;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.Pipeline;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.ForbiddenTargets;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.service.ServiceLink;
import org.natflow.controller.api.LogLimiter;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.TcpSegment;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transparent proxy's steering: the first packet (a SYN) of a new inside TCP connection that an enabled
 * {@link InterceptRule} matches becomes a service-link conversation to natflow's splicer, the server's endpoint
 * kept as the conversation's far side (the splicer reads the original destination from it). While the splicer
 * cannot take it, the rule's {@link Fallback} applies: plain NAPT (this listener lets the packet go on to the NAT)
 * or a TCP reset. Rules are kept in memory, the store being the record; a change applies to new connections.
 */
public final class InterceptService implements PacketListener {

    private static final Logger log = LoggerFactory.getLogger(InterceptService.class);
    /** Most rules, and most prefixes or port ranges in one. */
    public static final int MAX_RULES = 1000;
    public static final int MAX_ITEMS = 100;

    private final InterceptStore store;
    private final Borders borders;
    private final GatewayConfig gateway;
    private final ServiceLink link;
    private final PacketService packets;
    private final LogLimiter fallbackLog = new LogLimiter(20, java.time.Duration.ofSeconds(10));
    private volatile List<InterceptRule> rules = List.of();
    private volatile InterceptTarget target;
    private volatile String unsupported;
    /** Connections handed to the splicer, let through to NAPT, and refused, since start. */
    public final AtomicLong intercepted = new AtomicLong();
    public final AtomicLong fellBack = new AtomicLong();
    public final AtomicLong refused = new AtomicLong();

    public InterceptService(InterceptStore store, Borders borders, ServiceLink link, PacketService packets) {
        this.store = store;
        this.borders = borders;
        this.gateway = borders.gateway();
        this.link = link;
        this.packets = packets;
    }

    /** Loads the stored rules; call once. */
    public void start() {
        rules = List.copyOf(store.all());
        log.info("event=intercept-rules-loaded count={}", rules.size());
    }

    /** The splicer connections go to; without one (or while it is not ready) every rule falls back. */
    public void setTarget(InterceptTarget target) {
        this.target = target;
    }

    /**
     * Marks interception as impossible here (the conntrack datapath translates first packets in the switch):
     * enabled rules are refused with {@code reason}.
     */
    public void setUnsupported(String reason) {
        this.unsupported = reason;
    }

    /** All rules by id. */
    public List<InterceptRule> all() {
        return rules;
    }

    /** One rule. */
    public Optional<InterceptRule> get(long id) {
        return rules.stream().filter(r -> r.id() == id).findFirst();
    }

    /** Checks and stores a new rule (400 for a bad one, 409 for one overlapping an enabled rule). */
    public synchronized InterceptRule create(InterceptRule rule) {
        if (rules.size() >= MAX_RULES) {
            throw RuleException.conflict("at most " + MAX_RULES + " interception rules");
        }
        check(rule, 0);
        InterceptRule stored = store.create(rule);
        List<InterceptRule> next = new ArrayList<>(rules);
        next.add(stored);
        rules = List.copyOf(next);
        log.info("event=intercept-rule-created id={} rule=\"{}\"", stored.id(), describe(stored));
        return stored;
    }

    /** Replaces a rule (404 if there is none). */
    public synchronized InterceptRule update(InterceptRule rule) {
        if (get(rule.id()).isEmpty()) {
            throw new NotFoundException("no interception rule " + rule.id());
        }
        check(rule, rule.id());
        InterceptRule stored = store.update(rule).orElseThrow(() ->
                new NotFoundException("no interception rule " + rule.id()));
        rules = rules.stream().map(r -> r.id() == stored.id() ? stored : r).toList();
        log.info("event=intercept-rule-updated id={} rule=\"{}\"", stored.id(), describe(stored));
        return stored;
    }

    /** Deletes a rule (404 if there is none); new connections it matched are plain NAPT again. */
    public synchronized void delete(long id) {
        if (get(id).isEmpty() || !store.delete(id)) {
            throw new NotFoundException("no interception rule " + id);
        }
        rules = rules.stream().filter(r -> r.id() != id).toList();
        log.info("event=intercept-rule-deleted id={}", id);
    }

    private void check(InterceptRule rule, long self) {
        if (rule.sources().isEmpty()) {
            throw RuleException.invalid("sources", "at least one inside prefix is required");
        }
        if (rule.ports().isEmpty()) {
            throw RuleException.invalid("ports", "at least one port or range is required");
        }
        for (IPv4AddressWithMask s : rule.sources()) {
            if (gateway.insideNetworks().stream().noneMatch(n -> InterceptRule.overlap(n, s))) {
                throw RuleException.invalid("sources", s + " is not in an inside network "
                        + gateway.insideNetworks());
            }
        }
        for (IPv4AddressWithMask d : rule.destinations()) {
            if (gateway.insideNetworks().stream().anyMatch(n -> n.contains(d.getValue())
                    && d.getMask().asCidrMaskLength() >= n.getMask().asCidrMaskLength())) {
                throw RuleException.invalid("destinations", d + " is inside: only connections leaving through the"
                        + " uplink are intercepted");
            }
        }
        if (!rule.enabled()) {
            return;
        }
        if (unsupported != null) {
            throw RuleException.conflict(unsupported);
        }
        for (InterceptRule r : rules) {
            if (r.id() != self && r.enabled() && r.overlaps(rule)) {
                throw RuleException.conflict("overlaps interception rule " + r.id() + " (" + describe(r)
                        + "): a connection is one rule's");
            }
        }
    }

    /** A rule in one line, for logs and messages. */
    public static String describe(InterceptRule r) {
        return "from " + r.sources() + " to " + (r.destinations().isEmpty() ? "any" : r.destinations().toString())
                + " ports " + r.ports().stream().map(p -> p.text()).toList();
    }

    // ---- packets --------------------------------------------------------------------------------------------

    @Override
    public boolean onPacket(PacketContext ctx) {
        List<InterceptRule> now = rules;
        if (now.isEmpty() || Pipeline.isCopy(ctx)) {
            return false;
        }
        EthernetFrame frame = ctx.frame();
        Ipv4Packet ip = frame.ipv4();
        if (ip == null || ip.fragmentOffset() != 0 || !(ip.transport() instanceof TcpSegment tcp)
                || !tcp.has(TcpSegment.SYN) || tcp.has(TcpSegment.ACK) || !frame.dst().equals(gateway.insideMac())
                || !gateway.isInside(ip.src()) || ForbiddenTargets.always(gateway, ip.dst())) {
            return false;
        }
        Border b = borders.border(ctx.dpid());
        if (b == null || ctx.inPort().equals(b.uplink())) {
            return false;
        }
        InterceptRule rule = null;
        for (InterceptRule r : now) {
            if (r.enabled() && r.matches(ip.src(), ip.dst(), tcp.dstPort())) {
                rule = r;
                break;
            }
        }
        if (rule == null) {
            return false;
        }
        InterceptTarget t = target;
        if (t != null && t.ready() && link != null && link.intercept(ctx, t.port())) {
            intercepted.incrementAndGet();
            return true;
        }
        long left = fallbackLog.permit();
        if (left >= 0) {
            log.warn("event=intercept-fallback rule={} client={}:{} server={}:{} fallback={} reason=\"{}\""
                    + " suppressed={}", rule.id(), ip.src(), tcp.srcPort(), ip.dst(), tcp.dstPort(),
                    rule.fallback().label(), t == null || !t.ready() ? "the splicer is not ready"
                            : "the service link cannot take it", left);
        }
        if (rule.fallback() == Fallback.NAPT) {
            fellBack.incrementAndGet();
            return false;
        }
        refused.incrementAndGet();
        packets.packetOut(ctx.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(ctx.inPort(), 0)),
                Frames.tcpReset(frame, gateway.insideMac()));
        return true;
    }
}
