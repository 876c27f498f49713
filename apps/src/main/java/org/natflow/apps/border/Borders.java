package org.natflow.apps.border;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.natflow.apps.AppCookies;
import org.natflow.apps.l2.FloodPolicy;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchListener;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.api.SwitchService;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The border switches: a switch with a configured uplink port is a border, with that uplink and its share of
 * the pool. This is where borders come up, go down and are retired when the uplinks change at run time, and
 * where every {@link BorderApp} is run through that lifecycle, in registration order: the platform's own parts
 * first (the gateway's ARP, {@link Routes}), then the apps. It also keeps floods off uplinks and the service
 * link, and says which border an inside host belongs to.
 */
public final class Borders implements SwitchListener, FloodPolicy {

    private static final Logger log = LoggerFactory.getLogger(Borders.class);

    private final GatewayConfig gateway;
    private final SwitchService switches;
    private final FlowService flows;
    private final StatisticsService statistics;
    private final PublicPorts ports;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("natflow-border-timer"));
    private final InsideHosts hosts;
    private final Routes routes;
    private final GatewayArp arp;
    private final List<BorderApp> apps = new CopyOnWriteArrayList<>();
    private final Map<Dpid, Border> borders = new ConcurrentHashMap<>();
    private final Set<String> noFlood = ConcurrentHashMap.newKeySet();
    private volatile List<Uplink> uplinks;
    private final Map<Integer, Map<IPv4Address, IPv4Address>> pinsByApp = new ConcurrentHashMap<>();
    private volatile Map<IPv4Address, IPv4Address> pinned = Map.of();
    private final HostAddresses hostAddresses = new HostAddresses();
    private final List<Runnable> pinListeners = new CopyOnWriteArrayList<>();
    // An uplink named by port name belongs to the first switch that became a border with it: another switch
    // with a port of that name (a stranger, or a switch claiming to be one) is not made a border for its pool.
    private final Map<String, Dpid> namedUplinkOwners = new ConcurrentHashMap<>();

    /** Borders for the gateway's uplinks, with their ARP duties and routes (register them as packet listeners). */
    public Borders(GatewayConfig gateway, SwitchService switches, FlowService flows, PacketService packets,
                   StatisticsService statistics, PublicPorts ports) {
        this.gateway = gateway;
        this.switches = switches;
        this.flows = flows;
        this.statistics = statistics;
        this.ports = ports;
        this.uplinks = gateway.uplinks();
        this.hosts = new InsideHosts(gateway, packets, switches, timer);
        this.routes = new Routes(gateway, flows, packets, timer, borders::get);
        this.arp = new GatewayArp(gateway, flows, packets, hosts, routes, borders::get, hostAddresses);
        apps.add(arp);
        apps.add(routes);
    }

    /** The gateway the borders serve. */
    public GatewayConfig gateway() {
        return gateway;
    }

    /** Where inside hosts are. */
    public InsideHosts hosts() {
        return hosts;
    }

    /** Next hops and routes on the uplinks. */
    public Routes routes() {
        return routes;
    }

    /** The gateway's ARP on borders (a packet listener). */
    public GatewayArp arp() {
        return arp;
    }

    /** Runs an app through the border lifecycle from now on; borders already up come up for it at once. */
    public synchronized void register(BorderApp app) {
        apps.add(app);
        for (Border b : borders.values()) {
            up(app, b);
        }
    }

    /** The border a switch is, or null if it is not one (a map lookup: fine on the packet-in path). */
    public Border border(Dpid dpid) {
        return borders.get(dpid);
    }

    /** The borders now. */
    public List<Border> all() {
        return List.copyOf(borders.values());
    }

    /** Dpids of the switches acting as border now. */
    public Set<Dpid> dpids() {
        return Set.copyOf(borders.keySet());
    }

    /** The uplinks now, each with its addresses. */
    public List<Uplink> uplinks() {
        return uplinks;
    }

    /** Keeps a port (by name) out of L2 flooding: the service link, which is not a segment of hosts. */
    public void keepFromFlooding(String portName) {
        noFlood.add(portName);
    }

    /**
     * Inside hosts that an app's static rules (port forwards, static NAT) give a public address, each with the
     * pool address whose border translates it; replaces what that app pinned before. Where two apps pin one
     * host, the app with the higher cookie id wins (static NAT over port forwards).
     */
    public synchronized void pin(int app, Map<IPv4Address, IPv4Address> pins) {
        pinsByApp.put(app, Map.copyOf(pins));
        Map<IPv4Address, IPv4Address> all = new java.util.HashMap<>();
        new java.util.TreeMap<>(pinsByApp).values().forEach(all::putAll);
        this.pinned = Map.copyOf(all);
        pinListeners.forEach(Runnable::run);
    }

    /** Calls {@code change} after every change of the pins (the fabric then moves hosts to their borders). */
    public void onPinsChanged(Runnable change) {
        pinListeners.add(change);
    }

    /**
     * The border that serves an inside host's own public address (a static NAT), if it has one in effect and
     * that border is up: the only border that may translate the host.
     */
    public Optional<Dpid> servingBorder(IPv4Address host) {
        Optional<HostAddress> a = hostAddresses.byInside(host).filter(HostAddress::active);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        for (Border b : borders.values()) {
            if (b.owns(a.get().via())) {
                return Optional.of(b.dpid());
            }
        }
        return Optional.empty();
    }

    /** The public addresses inside hosts hold whole (static NAT), beside the pool. */
    public HostAddresses hostAddresses() {
        return hostAddresses;
    }

    /** Whether a static rule (a port forward, a static NAT) gives this inside host a public address. */
    public boolean isPinned(IPv4Address host) {
        return pinned.containsKey(host);
    }

    /**
     * The border that should translate an inside host: the one owning the address a port forward gives it,
     * else the one owning the address it is paired with; empty if neither is up (or it has neither).
     */
    public Optional<Dpid> borderFor(IPv4Address host) {
        IPv4Address a = pinned.get(host);
        if (a == null) {
            a = ports.pairedAddress(host).orElse(null);
        }
        if (a == null) {
            return Optional.empty();
        }
        for (Border b : borders.values()) {
            if (b.owns(a)) {
                return Optional.of(b.dpid());
            }
        }
        return Optional.empty();
    }

    /**
     * Replaces the uplinks at run time. Borders whose uplink or addresses change are retired (every app's
     * flows there deleted, what was bound to them ended) and adopted again; switches that gain an uplink
     * become borders, those that lose it stop being one.
     *
     * @return the uplinks with their addresses
     * @throws IllegalArgumentException when the set is not valid (see {@link Uplinks#resolve})
     */
    public synchronized List<Uplink> setUplinks(List<Uplink> wanted) {
        List<Uplink> resolved = Uplinks.resolve(wanted, gateway.publicAddresses());
        this.uplinks = resolved;
        namedUplinkOwners.clear(); // the operator said which uplinks there are: they are bound anew
        log.info("event=nat-uplinks uplinks=\"{}\"", resolved.stream().map(u -> u.port() + "=" + u.addresses())
                .toList());
        for (SwitchInfo sw : switches.switches()) {
            Border b = borders.get(sw.dpid());
            Optional<Uplink> u = uplinkOf(sw);
            boolean same = b != null && u.isPresent() && u.get().on(sw).map(p -> p.ofPort().equals(b.uplink()))
                    .orElse(false) && u.get().addresses().equals(b.addresses());
            if (b != null && !same) {
                retire(b, "uplink-changed");
            }
            if (!same) {
                u.ifPresent(up -> up.on(sw).ifPresent(p -> adopt(sw, p, up)));
            }
        }
        return resolved;
    }

    @Override
    public void event(SwitchEvent event) {
        SwitchInfo sw = event.sw();
        switch (event.type()) {
            case CONNECTED, PORT_ADDED, PORT_MODIFIED -> {
                uplinkOf(sw).ifPresent(u -> u.on(sw).ifPresent(p -> adopt(sw, p, u)));
                Border b = borders.get(sw.dpid());
                if (b != null && event.type() != SwitchEvent.Type.CONNECTED) {
                    each(b, "ports-changed", app -> app.portsChanged(b));
                }
            }
            case DISCONNECTED -> {
                Border b = borders.remove(sw.dpid());
                if (b != null) {
                    each(b, "down", app -> app.borderDown(b));
                    log.info("event=nat-border-down dpid={}", sw.dpid());
                }
            }
            default -> { }
        }
    }

    private Optional<Uplink> uplinkOf(SwitchInfo sw) {
        for (Uplink u : uplinks) {
            if (u.on(sw).isPresent()) {
                return Optional.of(u);
            }
        }
        return Optional.empty();
    }

    private synchronized void adopt(SwitchInfo sw, SwitchPort uplink, Uplink u) {
        if (borders.containsKey(sw.dpid())) {
            return;
        }
        if (sw.version().compareTo(OFVersion.OF_13) < 0) {
            log.warn("event=nat-border-refused dpid={} reason=\"NAT needs OpenFlow 1.3 or later, switch speaks {}\"",
                    sw.dpid(), sw.version());
            return;
        }
        if (u.dpid() == null && !u.anySwitch()) {
            Dpid owner = namedUplinkOwners.get(u.portName());
            if (owner != null && !owner.equals(sw.dpid())) {
                log.warn("event=nat-border-refused dpid={} reason=\"uplink {} belongs to border {}; name the uplink by"
                        + " DPID/NUMBER or change the uplinks to move it\"", sw.dpid(), u.portName(), owner);
                return;
            }
        }
        for (BorderApp app : apps) {
            Optional<String> refusal = app.refusal(sw);
            if (refusal.isPresent()) {
                log.warn("event=nat-border-refused dpid={} reason=\"{}\"", sw.dpid(), refusal.get());
                return;
            }
        }
        if (u.dpid() == null && !u.anySwitch()) {
            namedUplinkOwners.putIfAbsent(u.portName(), sw.dpid());
        }
        Border b = new Border(sw.dpid(), sw.factory(), uplink.ofPort(), u.addresses());
        borders.put(sw.dpid(), b);
        log.info("event=nat-border-up dpid={} uplink={} port={} addresses={}", sw.dpid(), uplink.name(),
                uplink.number(), u.addresses());
        flows.apply(b.dpid(), BorderFlows.skeleton(b.factory(), b.uplink(), gateway.insideMac()))
                .whenComplete((r, e) -> {
                    if (e != null || !r.ok()) {
                        log.warn("event=nat-static-flows-failed dpid={} error=\"{}\"", b.dpid(),
                                e != null ? e.toString() : r.errors().get(0).describe());
                    }
                });
        for (BorderApp app : apps) {
            up(app, b);
        }
    }

    /** Brings one app up on a border, then hands it its flows as the switch holds them. */
    private void up(BorderApp app, Border b) {
        each(b, "up", a -> a.borderUp(b), app);
        if (!app.readsBack()) {
            return;
        }
        statistics.flowStats(b.dpid(), AppCookies.appOnly(app.cookieApp()), AppCookies.APP_MASK)
                .whenComplete((entries, e) -> {
                    if (e != null) {
                        log.warn("event=border-reconcile-failed dpid={} app={} error=\"{}\"", b.dpid(),
                                AppCookies.name(app.cookieApp()), e.toString());
                        each(b, "reconcile-failed", a -> a.reconcileFailed(b, e), app);
                    } else {
                        each(b, "reconcile", a -> a.reconcile(b, entries), app);
                    }
                });
    }

    /**
     * Stops a switch being a border: every app lets go of it (last registered first: retired, then down as for
     * a disconnect), then every app's flows there are deleted by cookie.
     */
    private void retire(Border b, String reason) {
        if (!borders.remove(b.dpid(), b)) {
            return;
        }
        List<BorderApp> reversed = new ArrayList<>(apps);
        Collections.reverse(reversed);
        Set<Integer> cookies = new LinkedHashSet<>();
        for (BorderApp app : reversed) {
            each(b, "retire", a -> a.borderRetired(b), app);
            each(b, "down", a -> a.borderDown(b), app);
            cookies.add(app.cookieApp());
        }
        cookies.add(AppCookies.BORDER);
        List<OFMessage> deletes = new ArrayList<>();
        cookies.forEach(c -> deletes.add(AppCookies.deleteAll(b.factory(), c)));
        try {
            flows.apply(b.dpid(), deletes);
        } catch (RuntimeException e) {
            log.warn("event=nat-retire-flows-failed dpid={} error=\"{}\"", b.dpid(), e.toString());
        }
        log.info("event=nat-border-retired dpid={} reason={}", b.dpid(), reason);
    }

    private void each(Border b, String step, Consumer<BorderApp> call) {
        for (BorderApp app : apps) {
            each(b, step, call, app);
        }
    }

    /** One lifecycle call: an app that throws is logged and skipped, never stopping the others. */
    private static void each(Border b, String step, Consumer<BorderApp> call, BorderApp app) {
        try {
            call.accept(app);
        } catch (RuntimeException e) {
            log.warn("event=border-app-failed dpid={} app={} step={} error=\"{}\"", b.dpid(),
                    AppCookies.name(app.cookieApp()), step, e.toString());
        }
    }

    /** Floods stay inside: never out of a border's uplink, nor out of the service link. */
    @Override
    public boolean mayFlood(Dpid dpid, SwitchPort port) {
        if (noFlood.contains(port.name())) {
            return false;
        }
        Border b = borders.get(dpid);
        if (b != null) {
            return !b.uplink().equals(port.ofPort());
        }
        for (Uplink u : uplinks) {
            if (u.dpid() == null ? port.name().equals(u.portName())
                    : u.dpid().equals(dpid) && u.portNumber() == port.number()) {
                return false;
            }
        }
        return true;
    }

    /** Stops the platform's timer. */
    public void shutdown() {
        timer.shutdownNow();
    }
}
