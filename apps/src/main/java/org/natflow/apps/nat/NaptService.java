package org.natflow.apps.nat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.l2.FloodPolicy;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowBatchResult;
import org.natflow.controller.api.FlowRemovedListener;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchListener;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchService;
import org.natflow.apps.AppCookies;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.natflow.controller.packet.ArpPacket;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.IcmpMessage;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.TcpSegment;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic NAPT on the border switch (the switch with the configured uplink port). The first outbound packet
 * of a TCP or UDP flow comes to the controller; it gets a mapping (endpoint-independent, paired pooling,
 * randomised port), the inbound flow then the outbound flow are installed and confirmed with a barrier, and
 * the packet is sent back through the switch's tables so the new flows translate it. Later packets never
 * reach the controller. The service is also the gateway: it answers ARP for the gateway address inside and
 * for the pool on the uplink, and resolves next hops on the uplink.
 */
public final class NaptService implements PacketListener, SwitchListener, FlowRemovedListener, FloodPolicy {

    /** Packet-listener priority: before the L2 app. */
    public static final int PRIORITY = 100;

    private static final Logger log = LoggerFactory.getLogger(NaptService.class);
    private static final Object DEFAULT_ROUTE = new Object();

    private final NatConfig config;
    private final SessionTable table;
    private final FlowService flows;
    private final PacketService packets;
    private final NatFlows natFlows;
    private final NatMetrics metrics = new NatMetrics();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "natflow-nat-timer");
                t.setDaemon(true);
                return t;
            });
    private final NextHopResolver resolver;
    private final Map<Dpid, Border> borders = new ConcurrentHashMap<>();
    private final Map<Dpid, Set<Object>> routes = new ConcurrentHashMap<>();
    private final Map<Long, CompletableFuture<Boolean>> installing = new ConcurrentHashMap<>();
    // ICMP mappings have no flows to idle out; the controller translates them and times them itself.
    private final Map<Long, Long> icmpLastUsed = new ConcurrentHashMap<>();
    private final Set<Long> transitory = ConcurrentHashMap.newKeySet();
    private final Set<List<Object>> responders = ConcurrentHashMap.newKeySet();
    private final HostRateLimiter rateLimiter;
    private final Map<Dpid, Map<IPv4Address, Long>> hostMeters = new ConcurrentHashMap<>();
    // Address(-and-port)-dependent filtering: the remotes each mapping has flows for.
    private final Map<Long, Set<Remote>> remotes = new ConcurrentHashMap<>();
    private final FragmentTranslator fragments = new FragmentTranslator();

    private final InsideHostLocator hosts;
    private final List<java.util.function.Consumer<Border>> borderListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Border>> retiredListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile StaticTargets staticTargets = StaticTargets.NONE;
    private final Set<String> noFlood = ConcurrentHashMap.newKeySet();

    private final StatisticsService statistics;
    private final SwitchService switches;
    private volatile List<Uplink> uplinks;
    private volatile Map<IPv4Address, IPv4Address> pinned = Map.of();
    // Borders whose flow table is being read back: new flows wait, so no live port is handed out twice.
    private final Set<Dpid> reconciling = ConcurrentHashMap.newKeySet();
    // The conntrack datapath's port blocks; null on the controller datapath.
    private final BlockNat blockNat;
    private final MappingLog mappingLog;

    /** A service whose mapping records go to the application log. */
    public NaptService(NatConfig config, SessionTable table, FlowService flows, PacketService packets,
                       SwitchService switches, StatisticsService statistics) {
        this(config, table, flows, packets, switches, statistics, MappingLog.toApplicationLog());
    }

    /** A service writing its RFC 6888 records of mappings and port blocks to {@code mappingLog}. */
    public NaptService(NatConfig config, SessionTable table, FlowService flows, PacketService packets,
                       SwitchService switches, StatisticsService statistics, MappingLog mappingLog) {
        this.mappingLog = mappingLog;
        this.statistics = statistics;
        this.switches = switches;
        this.config = config;
        this.uplinks = config.uplinks();
        this.table = table;
        this.flows = flows;
        this.packets = packets;
        this.natFlows = new NatFlows(config);
        this.resolver = new NextHopResolver(config, packets, timer);
        this.hosts = new InsideHostLocator(config, packets, switches, timer);
        this.rateLimiter = new HostRateLimiter(config.newFlowRate());
        this.blockNat = config.conntrack() ? new BlockNat(config, table, flows, packets, metrics,
                mappingLog, this::ensureRoute, borders::get) : null;
        timer.scheduleWithFixedDelay(this::expireIcmp, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> metrics.fragmentsDropped.add(fragments.expire(System.nanoTime())),
                1, 1, TimeUnit.SECONDS);
    }

    public NatMetrics metrics() {
        return metrics;
    }

    public SessionTable table() {
        return table;
    }

    public NatConfig config() {
        return config;
    }

    /** Dpids of the switches acting as NAT border now. */
    public Set<Dpid> borders() {
        return Set.copyOf(borders.keySet());
    }

    /** The border a switch is, or null if it is not one (a map lookup: fine on the packet-in path). */
    public Border border(Dpid dpid) {
        return borders.get(dpid);
    }

    /** The borders now. */
    public List<Border> borderSwitches() {
        return List.copyOf(borders.values());
    }

    /** Called (on the event thread) for every border that comes up, after its static flows were sent. */
    public void addBorderListener(java.util.function.Consumer<Border> listener) {
        borderListeners.add(listener);
        borders.values().forEach(listener);
    }

    /**
     * Called (on the caller's thread) for every border that stops being one while connected (its uplink was
     * changed through REST), before the NAT's own flows on it are deleted: an app deletes its flows there
     * and forgets what it bound to it.
     */
    public void addBorderRetiredListener(java.util.function.Consumer<Border> listener) {
        retiredListeners.add(listener);
    }

    /** Keeps a port (by name) out of L2 flooding: the relay service link, which is not a segment of hosts. */
    public void keepFromFlooding(String portName) {
        noFlood.add(portName);
    }

    /** Lets hairpinning reach endpoints held by static rules. */
    public void setStaticTargets(StaticTargets targets) {
        this.staticTargets = targets;
    }

    /** The uplinks now, each with its addresses. */
    public List<Uplink> uplinks() {
        return uplinks;
    }

    /**
     * Replaces the uplinks at run time. Borders whose uplink or addresses change are retired (their NAT,
     * forward, relay and service flows deleted, their mappings ended) and adopted again; switches that gain
     * an uplink become borders, those that lose it stop being one.
     *
     * @return the uplinks with their addresses
     * @throws IllegalArgumentException when the set is not valid (see {@link Uplinks#resolve})
     */
    public synchronized List<Uplink> setUplinks(List<Uplink> wanted) {
        List<Uplink> resolved = Uplinks.resolve(wanted, config.publicAddresses());
        this.uplinks = resolved;
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

    /** Inside hosts that static rules (port forwards) give a public address, with that address. */
    public void setPinnedAddresses(Map<IPv4Address, IPv4Address> pins) {
        this.pinned = Map.copyOf(pins);
    }

    /**
     * The border that should translate an inside host: the one owning the address a port forward gives it,
     * else the one owning the address it is paired with; empty if neither is up (or it has neither).
     */
    public Optional<Dpid> borderFor(IPv4Address host) {
        IPv4Address a = pinned.get(host);
        if (a == null) {
            a = table.pairedAddress(host).orElse(null);
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

    /** The inside network between the borders and the hosts (a fabric, when there is one). */
    public void setInsideNetwork(InsideNetwork network) {
        hosts.setNetwork(network);
    }

    /** The port to record for an inside host seen on a border port (see {@link InsideNetwork#hostPort}). */
    public OFPort hostPort(Border b, OFPort inPort) {
        return hosts.network().hostPort(b, inPort);
    }

    /** Where an inside host is on a border: known, or found with ARP from the gateway. */
    public CompletableFuture<HostLocation> locateInside(Border b, IPv4Address address) {
        return hosts.locate(b, address);
    }

    /** The MAC of the next hop towards a public destination on a border's uplink (cached, or asked with ARP). */
    public CompletableFuture<org.projectfloodlight.openflow.types.MacAddress> nextHopMac(Border b, IPv4Address dst) {
        return resolver.resolve(b, config.nextHop(dst));
    }

    /** The route to a remote, installed if missing; completes when delivery to it is possible. */
    public CompletableFuture<Void> routeTo(Border b, IPv4Address remote) {
        return ensureRoute(b, remote);
    }

    // ---- switches -------------------------------------------------------------------------------------------

    @Override
    public void event(SwitchEvent event) {
        SwitchInfo sw = event.sw();
        switch (event.type()) {
            case CONNECTED, PORT_ADDED, PORT_MODIFIED -> uplinkOf(sw).ifPresent(u -> u.on(sw)
                    .ifPresent(p -> adopt(sw, p, u)));
            case DISCONNECTED -> {
                if (borders.remove(sw.dpid()) != null) {
                    routes.remove(sw.dpid());
                    hostMeters.remove(sw.dpid());
                    responders.removeIf(k -> k.get(0).equals(sw.dpid()));
                    resolver.clear(sw.dpid());
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

    /** Stops a switch being a border: its translation flows go, and the mappings on it end. */
    private void retire(Border b, String reason) {
        if (!borders.remove(b.dpid(), b)) {
            return;
        }
        routes.remove(b.dpid());
        hostMeters.remove(b.dpid());
        responders.removeIf(k -> k.get(0).equals(b.dpid()));
        resolver.clear(b.dpid());
        for (NatSession s : table.on(b.dpid())) {
            end(s.id(), reason);
        }
        if (blockNat != null) {
            blockNat.borderGone(b.dpid(), reason);
        }
        for (java.util.function.Consumer<Border> l : retiredListeners) {
            try {
                l.accept(b);
            } catch (RuntimeException e) {
                log.warn("event=nat-retire-listener-failed dpid={} error=\"{}\"", b.dpid(), e.toString());
            }
        }
        List<OFMessage> deletes = new java.util.ArrayList<>();
        deletes.add(AppCookies.deleteAll(b.factory(), AppCookies.NAT));
        if (config.newFlowRate() > 0) {
            deletes.add(natFlows.deleteMeters(b.factory()));
        }
        try {
            flows.apply(b.dpid(), deletes);
        } catch (RuntimeException e) {
            log.warn("event=nat-retire-flows-failed dpid={} error=\"{}\"", b.dpid(), e.toString());
        }
        log.info("event=nat-border-retired dpid={} reason={}", b.dpid(), reason);
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
        if (blockNat != null && !BlockFlows.supported(sw.factory())) {
            log.warn("event=nat-border-refused dpid={} reason=\"the conntrack datapath needs Nicira ct/nat actions, "
                    + "which this controller speaks in OpenFlow 1.3; the switch speaks {}\"", sw.dpid(), sw.version());
            return;
        }
        Border b = new Border(sw.dpid(), sw.factory(), uplink.ofPort(), u.addresses());
        reconciling.add(sw.dpid());
        borders.put(sw.dpid(), b);
        routes.put(sw.dpid(), ConcurrentHashMap.newKeySet());
        hostMeters.put(sw.dpid(), new ConcurrentHashMap<>());
        log.info("event=nat-border-up dpid={} uplink={} port={} addresses={}", sw.dpid(), uplink.name(),
                uplink.number(), u.addresses());
        List<OFMessage> staticFlows = new java.util.ArrayList<>(natFlows.staticFlows(b));
        if (blockNat != null) {
            staticFlows.addAll(blockNat.flows().staticFlows(b));
        }
        flows.apply(sw.dpid(), staticFlows).whenComplete((r, e) -> {
            if (e != null || !r.ok()) {
                log.warn("event=nat-static-flows-failed dpid={} error=\"{}\"", sw.dpid(),
                        e != null ? e.toString() : r.errors().get(0).describe());
            }
        });
        statistics.flowStats(b.dpid(), AppCookies.appOnly(AppCookies.NAT), AppCookies.APP_MASK)
                .whenComplete((entries, e) -> {
                    if (e != null) {
                        log.warn("event=nat-reconcile-failed dpid={} error=\"{}\"", b.dpid(), e.toString());
                    } else {
                        reconcile(b, entries);
                    }
                    reconciling.remove(b.dpid());
                });
        borderListeners.forEach(l -> l.accept(b));
        ensureRoute(b, config.upstreamGateway()).exceptionally(e -> {
            log.warn("event=nat-upstream-unresolved dpid={} gateway={} error=\"{}\"", sw.dpid(),
                    config.upstreamGateway(), e.getMessage());
            return null;
        });
    }

    /**
     * Brings the session table and a border's flow table into agreement after a (re)connect: mappings whose
     * flows vanished are released, intact flow pairs the table does not know (a controller restart) are
     * restored with their ports claimed, and flows nobody can account for are deleted.
     */
    private void reconcile(Border b, List<OFFlowStatsEntry> entries) {
        MappingFlows.Found found = MappingFlows.read(entries, b.uplink());
        int released = 0;
        int restored = 0;
        int deleted = 0;
        for (NatSession s : table.on(b.dpid())) {
            if (s.protocol() != Protocol.ICMP && !found.outbound().containsKey(s.id())) {
                end(s.id(), "flows-vanished");
                released++;
            }
        }
        java.util.Set<Long> ids = new java.util.HashSet<>(found.outbound().keySet());
        ids.addAll(found.inbound().keySet());
        for (long id : ids) {
            if (table.get(id).isPresent()) {
                continue;
            }
            MappingFlows.Outbound o = found.outbound().get(id);
            MappingFlows.Inbound i = found.inbound().get(id);
            boolean ok = o != null && i != null && table.restore(new NatSession(id, o.protocol(), o.insideAddress(),
                    o.insidePort(), o.publicAddress(), o.publicPort(), Instant.now().minusSeconds(o.ageSeconds()),
                    b.dpid(), i.hostMac(), i.hostPort()));
            if (ok) {
                restored++;
                log.info("event=nat-mapping-restored id={} protocol={} inside={}:{} public={}:{}", id,
                        o.protocol().lower(), o.insideAddress(), o.insidePort(), o.publicAddress(), o.publicPort());
            } else {
                flows.apply(b.dpid(), List.of(natFlows.deleteMapping(b.factory(), id)));
                deleted++;
            }
        }
        for (OFFlowStatsEntry e : found.unreadable()) {
            flows.apply(b.dpid(), List.of(natFlows.deleteMapping(b.factory(), NatCookies.sessionId(e.getCookie()))));
            deleted++;
        }
        if (blockNat != null) {
            int[] blocks = blockNat.reconcile(b, entries);
            restored += blocks[0];
            deleted += blocks[1];
            released += blocks[2];
        }
        log.info("event=nat-reconciled dpid={} restored={} released={} deleted={}", b.dpid(), restored, released,
                deleted);
    }

    /** Makes sure table 1 can deliver to {@code dst}: resolves the next hop and installs its route. */
    private CompletableFuture<Void> ensureRoute(Border b, IPv4Address dst) {
        IPv4Address hop = config.nextHop(dst);
        Object key = hop.equals(config.upstreamGateway()) ? DEFAULT_ROUTE : hop;
        Set<Object> installed = routes.get(b.dpid());
        if (installed == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("border " + b.dpid() + " gone"));
        }
        if (installed.contains(key)) {
            return CompletableFuture.completedFuture(null);
        }
        return resolver.resolve(b, hop)
                .thenCompose(mac -> flows.apply(b.dpid(), List.of(natFlows.route(b.factory(), b.uplink(),
                        key == DEFAULT_ROUTE ? null : hop, mac))))
                .thenAccept(r -> {
                    if (r.ok()) {
                        installed.add(key);
                        log.info("event=nat-route dpid={} to={} via={}", b.dpid(),
                                key == DEFAULT_ROUTE ? "default" : hop, hop);
                    }
                });
    }

    // ---- packets --------------------------------------------------------------------------------------------

    @Override
    public boolean onPacket(PacketContext ctx) {
        Border b = borders.get(ctx.dpid());
        if (b == null) {
            return false;
        }
        EthernetFrame frame = ctx.frame();
        if (ctx.cookie().equals(NatCookies.TCP_CLOSE)) {
            tcpClosing(b, ctx);
            return true; // a copy: the segment itself goes on through the NAT table
        }
        if (ctx.inPort().equals(b.uplink())) {
            ArpPacket arp = frame.arp();
            Ipv4Packet ip = frame.ipv4();
            if (arp != null) {
                uplinkArp(b, arp);
            } else if (ip != null && ip.isFragment() && config.isPublic(ip.dst()) && ip.ttl() > 1) {
                inboundFragment(frame, ip);
            } else if (ip != null && ip.transport() instanceof IcmpMessage icmp && config.isPublic(ip.dst())
                    && ip.ttl() > 1) {
                inboundIcmp(frame, ip, icmp);
            }
            return true; // nothing from the uplink is ever switched inside by L2
        }
        ArpPacket arp = frame.arp();
        if (arp != null) {
            if (config.isInside(arp.senderIp())) {
                hosts.learn(arp.senderIp(), new HostLocation(arp.senderMac(), hostPort(b, ctx.inPort())));
                // It may hold an entry for the gateway (it asked, or we asked it): answer refreshes in the switch.
                respond(b, null, arp.senderIp(), arp.senderMac(), config.gatewayAddress(), config.insideMac());
            }
            if (arp.opcode() == ArpPacket.REPLY && arp.targetIp().equals(config.gatewayAddress())) {
                return true;
            }
            if (arp.opcode() == ArpPacket.REQUEST && arp.targetIp().equals(config.gatewayAddress())) {
                packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(ctx.inPort(), 0)),
                        Frames.arpReply(arp, config.insideMac()));
                return true;
            }
            return false;
        }
        if (ctx.tableId().equals(NatFlows.ROUTE_TABLE)) {
            return routeMiss(b, ctx);
        }
        if (reconciling.contains(b.dpid()) && frame.dst().equals(config.insideMac())) {
            return true; // a new flow while mappings are read back: dropped; its sender will retry
        }
        Ipv4Packet ip = frame.ipv4();
        if (ip == null || !frame.dst().equals(config.insideMac())) {
            return false;
        }
        if (!config.isInside(ip.src())) {
            metrics.spoofed.increment();
            return true;
        }
        hosts.learn(ip.src(), new HostLocation(frame.src(), hostPort(b, ctx.inPort())));
        meterHost(b, ip.src());
        if (!rateLimiter.tryAcquire(ip.src(), System.nanoTime())) {
            metrics.refusedRate.increment();
            return true;
        }
        if (ip.ttl() <= 1) {
            // A router's duty (RFC 1812): the datagram dies here and its sender hears about it.
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(ctx.inPort(), 0)),
                    IcmpRewriter.timeExceeded(frame.bytes(), ip.offset(), config.gatewayAddress(),
                            config.insideMac(), frame.src()));
            return true;
        }
        if (ip.isFragment() && !config.isInside(ip.dst()) && !config.isPublic(ip.dst())) {
            outboundFragment(b, ctx, ip);
            return true;
        }
        if (config.isPublic(ip.dst()) && ip.fragmentOffset() == 0) {
            hairpin(b, ctx, ip);
            return true;
        }
        if (config.isInside(ip.dst()) || config.isPublic(ip.dst()) || ip.fragmentOffset() != 0) {
            metrics.untranslatable.increment();
            return true;
        }
        TransportPorts ports = TransportPorts.of(ip);
        if (ports != null && blockNat != null) {
            blockNat.firstPacket(b, ip, frame.src(), hostPort(b, ctx.inPort()), ctx.inPort(), frame.bytes());
        } else if (ports != null) {
            outbound(b, ctx, ip, ports.protocol(), ports.srcPort(), ports.dstPort());
        } else if (ip.transport() instanceof IcmpMessage icmp) {
            outboundIcmp(b, ctx, ip, icmp);
        } else {
            metrics.untranslatable.increment();
        }
        return true;
    }

    private void uplinkArp(Border b, ArpPacket arp) {
        if (config.publicNetwork().contains(arp.senderIp()) && !config.isPublic(arp.senderIp())) {
            resolver.learn(b.dpid(), arp.senderIp(), arp.senderMac());
            // Our own requests come from the first pool address: the neighbour now holds an entry for it.
            respond(b, b.uplink(), arp.senderIp(), arp.senderMac(), b.uplinkAddress(), config.outsideMac());
        }
        if (arp.opcode() == ArpPacket.REQUEST && b.owns(arp.targetIp())) {
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(b.uplink(), 0)),
                    Frames.arpReply(arp, config.outsideMac()));
            respond(b, b.uplink(), arp.senderIp(), arp.senderMac(), arp.targetIp(), config.outsideMac());
        }
    }

    /** Gives an inside host its own meter on the punt path, the first time it is seen on a border. */
    private void meterHost(Border b, IPv4Address host) {
        Map<IPv4Address, Long> meters = hostMeters.get(b.dpid());
        if (config.newFlowRate() <= 0 || meters == null || meters.containsKey(host)) {
            return;
        }
        long id = meters.computeIfAbsent(host, h -> (long) meters.size() + 1);
        flows.apply(b.dpid(), List.of(natFlows.meter(b.factory(), id, config.newFlowRate()),
                natFlows.hostPunt(b.factory(), host, id))).whenComplete((r, e) -> {
                    if (e != null || !r.ok()) {
                        log.warn("event=nat-host-meter-failed dpid={} host={} error=\"{}\"", b.dpid(), host,
                                e != null ? e.toString() : r.errors().get(0).describe());
                    }
                });
    }

    /**
     * Installs, once per requester and address, a flow that answers the requester's ARP requests for that
     * gateway address in the switch, so neighbours keep their entries while the controller is away.
     */
    private void respond(Border b, OFPort inPort, IPv4Address requester, org.projectfloodlight.openflow.types.MacAddress
            requesterMac, IPv4Address target, org.projectfloodlight.openflow.types.MacAddress mac) {
        if (responders.add(List.of(b.dpid(), requester, requesterMac, target))) {
            flows.apply(b.dpid(), List.of(natFlows.arpResponder(b.factory(), inPort, requester, requesterMac, target,
                    mac)));
        }
    }

    /** A translated packet found no route in table 1: resolve its next hop, then deliver it. */
    private boolean routeMiss(Border b, PacketContext ctx) {
        Ipv4Packet ip = ctx.frame().ipv4();
        if (ip == null) {
            return true;
        }
        // Already translated: deliver it directly (re-entering the tables would not match it again).
        byte[] data = ctx.frame().bytes();
        ensureRoute(b, ip.dst()).exceptionally(e -> null);
        sendOut(b, ip.dst(), data);
        return true;
    }

    private void outbound(Border b, PacketContext ctx, Ipv4Packet ip, Protocol protocol, int srcPort, int dstPort) {
        metrics.newFlowPacketIns.increment();
        SessionTable.Lookup lookup;
        try {
            lookup = table.getOrCreate(protocol, ip.src(), srcPort, b, ctx.frame().src(),
                    hostPort(b, ctx.inPort()));
        } catch (AllocationException e) {
            refused(e, protocol, ip.src(), srcPort);
            return;
        }
        NatSession s = lookup.session();
        byte[] data = ctx.frame().bytes();
        OFPort inPort = ctx.inPort();
        CompletableFuture<Boolean> ready;
        Remote remote = Remote.of(config.filtering(), ip.dst(), dstPort);
        int idle = (int) Math.min(65535, config.timeouts().initial(protocol).toSeconds());
        if (lookup.created()) {
            ready = new CompletableFuture<>();
            installing.put(s.id(), ready);
            if (remote != null) {
                remotes.computeIfAbsent(s.id(), k -> ConcurrentHashMap.newKeySet()).add(remote);
            }
            ensureRoute(b, ip.dst())
                    .thenCompose(v -> flows.apply(b.dpid(), natFlows.mapping(b.factory(), b.uplink(), s, idle, remote)))
                    .whenComplete((r, e) -> installed(s, r, e, ready));
        } else if (remote != null && remotes.computeIfAbsent(s.id(), k -> ConcurrentHashMap.newKeySet()).add(remote)) {
            // Same mapping, new remote: its own flow pair, so filtering lets exactly this remote back in.
            CompletableFuture<Boolean> previous = installing.getOrDefault(s.id(), CompletableFuture.completedFuture(true));
            ready = previous.thenCompose(ok -> ok ? ensureRoute(b, ip.dst()).thenCompose(v -> flows.apply(b.dpid(),
                    natFlows.mapping(b.factory(), b.uplink(), s, idle, remote))).thenApply(r -> r.ok())
                    : CompletableFuture.completedFuture(false));
        } else {
            // A duplicate first packet, or a packet that raced the flows: send it once they are in.
            ready = installing.getOrDefault(s.id(), CompletableFuture.completedFuture(true));
        }
        ready.thenAccept(ok -> {
            if (ok) {
                ensureRoute(b, ip.dst()).thenRun(() -> packets.packetOut(b.dpid(), inPort,
                        List.of(b.factory().actions().output(OFPort.TABLE, 0)), data));
            }
        });
    }

    private void created(NatSession s) {
        metrics.created.increment();
        mappingLog.created(s);
    }

    private void refused(AllocationException e, Protocol protocol, IPv4Address inside, int port) {
        (e.reason() == AllocationException.Reason.QUOTA_EXCEEDED ? metrics.refusedQuota : metrics.refusedPool)
                .increment();
        log.warn("event=nat-refused reason={} protocol={} inside={}:{} detail=\"{}\"", e.reason(), protocol.lower(),
                inside, port, e.getMessage());
    }

    private void installed(NatSession s, FlowBatchResult result, Throwable error, CompletableFuture<Boolean> ready) {
        installing.remove(s.id());
        if (error == null && result.ok()) {
            created(s);
            ready.complete(true);
            return;
        }
        metrics.refusedSwitch.increment();
        String why = error != null ? error.toString() : result.errors().get(0).describe();
        log.warn("event=nat-refused reason=SWITCH protocol={} inside={}:{} public={}:{} detail=\"{}\"",
                s.protocol().lower(), s.insideAddress(), s.insidePort(), s.publicAddress(), s.publicPort(), why);
        end(s.id(), "install-failed");
        ready.complete(false);
    }

    // ---- fragments (RFC 4787 REQ-14) ------------------------------------------------------------------------------

    private void outboundFragment(Border b, PacketContext ctx, Ipv4Packet ip) {
        byte[] out = ctx.frame().bytes().clone();
        FragmentTranslator.Key key = FragmentTranslator.Key.of(ip);
        if (ip.fragmentOffset() == 0) {
            TransportPorts ports = TransportPorts.of(ip);
            if (ports == null) {
                metrics.fragmentsDropped.increment();
                return;
            }
            Protocol p = ports.protocol();
            int sport = ports.srcPort();
            NatSession s;
            try {
                SessionTable.Lookup l = table.getOrCreate(p, ip.src(), sport, b, ctx.frame().src(),
                        hostPort(b, ctx.inPort()));
                s = l.session();
                if (l.created()) {
                    int idle = (int) Math.min(65535, config.timeouts().initial(p).toSeconds());
                    flows.apply(b.dpid(), natFlows.mapping(b.factory(), b.uplink(), s, idle, null))
                            .whenComplete((r, e) -> installed(s, r, e, new CompletableFuture<>()));
                }
            } catch (AllocationException e) {
                refused(e, p, ip.src(), sport);
                return;
            }
            FragmentTranslator.rewriteFirst(out, ip, true, s.publicAddress(), s.publicPort());
            sendOut(b, ip.dst(), out);
            for (byte[] later : fragments.place(key, s, true, System.nanoTime())) {
                outboundLater(b, later, s);
            }
            return;
        }
        FragmentTranslator.Placement p = fragments.placeOrHold(key, out, System.nanoTime());
        if (p != null) {
            outboundLater(b, out, p.session());
        }
    }

    private void outboundLater(Border b, byte[] frame, NatSession s) {
        Ipv4Packet ip = PacketParser.parse(frame).ipv4();
        FragmentTranslator.rewriteLater(frame, ip, true, s.publicAddress());
        sendOut(b, ip.dst(), frame);
    }

    private void inboundFragment(EthernetFrame frame, Ipv4Packet ip) {
        byte[] out = frame.bytes().clone();
        FragmentTranslator.Key key = FragmentTranslator.Key.of(ip);
        if (ip.fragmentOffset() == 0) {
            TransportPorts ports = TransportPorts.of(ip);
            NatSession s = ports == null ? null
                    : table.byPublic(ports.protocol(), ip.dst(), ports.dstPort()).orElse(null);
            Remote remote = ports == null ? null : Remote.of(config.filtering(), ip.src(), ports.srcPort());
            if (s == null || (remote != null && !remotes.getOrDefault(s.id(), Set.of()).contains(remote))) {
                return; // unsolicited, like any other inbound packet without a mapping
            }
            FragmentTranslator.rewriteFirst(out, ip, false, s.insideAddress(), s.insidePort());
            deliverInside(s, out);
            for (byte[] later : fragments.place(key, s, false, System.nanoTime())) {
                inboundLater(later, s);
            }
            return;
        }
        FragmentTranslator.Placement p = fragments.placeOrHold(key, out, System.nanoTime());
        if (p != null) {
            inboundLater(out, p.session());
        }
    }

    private void inboundLater(byte[] frame, NatSession s) {
        Ipv4Packet ip = PacketParser.parse(frame).ipv4();
        FragmentTranslator.rewriteLater(frame, ip, false, s.insideAddress());
        deliverInside(s, frame);
    }

    /** Sends a translated frame out of the uplink to the next hop for {@code dst}. */
    private void sendOut(Border b, IPv4Address dst, byte[] frame) {
        resolver.resolve(b, config.nextHop(dst)).thenAccept(mac ->
                packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(b.uplink(), 0)),
                        IcmpRewriter.withMacs(frame, config.outsideMac(), mac)));
    }

    /** Sends a translated frame to the inside host of a mapping. */
    private void deliverInside(NatSession s, byte[] frame) {
        Border b = borders.get(s.dpid());
        if (b != null) {
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(s.switchPort(), 0)),
                    IcmpRewriter.withMacs(frame, config.insideMac(), s.insideMac()));
        }
    }

    // ---- TCP close (RFC 5382 REQ-5) -----------------------------------------------------------------------------

    /** A FIN or RST passed: the mapping moves to the transitory timeout by re-adding its outbound flow. */
    private void tcpClosing(Border b, PacketContext ctx) {
        Ipv4Packet ip = ctx.frame().ipv4();
        if (ip == null || !(ip.transport() instanceof TcpSegment tcp)) {
            return;
        }
        Optional<NatSession> s = ctx.inPort().equals(b.uplink())
                ? table.byPublic(Protocol.TCP, ip.dst(), tcp.dstPort())
                : table.byInside(Protocol.TCP, ip.src(), tcp.srcPort());
        boolean fromUplink = ctx.inPort().equals(b.uplink());
        Remote remote = fromUplink ? Remote.of(config.filtering(), ip.src(), tcp.srcPort())
                : Remote.of(config.filtering(), ip.dst(), tcp.dstPort());
        s.filter(x -> remote != null || transitory.add(x.id())).ifPresent(x -> {
            int idle = (int) Math.min(65535, config.timeouts().tcpTransitory().toSeconds());
            flows.apply(b.dpid(), List.of(natFlows.mapping(b.factory(), b.uplink(), x, idle, remote).get(1)));
            log.debug("event=nat-tcp-closing id={} flags={}", x.id(), tcp.flags());
        });
    }

    // ---- hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8) ----------------------------------------------------------

    /**
     * An inside host sends to a public endpoint of this NAT. If a mapping owns it, the sender gets (or keeps)
     * its own mapping and a hairpin flow pair joins the two, so each side sees the other's public endpoint.
     * Anything else to a pool address is dropped, as unsolicited inbound traffic would be.
     */
    private void hairpin(Border b, PacketContext ctx, Ipv4Packet ip) {
        TransportPorts ports = TransportPorts.of(ip);
        if (ports == null) {
            metrics.untranslatable.increment();
            return;
        }
        Protocol p = ports.protocol();
        int sport = ports.srcPort();
        int dport = ports.dstPort();
        NatSession target = table.byPublic(p, ip.dst(), dport)
                .or(() -> staticTargets.target(p, ip.dst(), dport)).orElse(null);
        if (target == null || !target.dpid().equals(b.dpid())) {
            return;
        }
        if (config.filtering() != Filtering.ENDPOINT_INDEPENDENT && target.id() != 0) {
            // Filtering applies to hairpinned traffic too: the target must have sent to our public endpoint.
            NatSession mine = table.byInside(p, ip.src(), sport).orElse(null);
            Remote expected = mine == null ? null : Remote.of(config.filtering(), mine.publicAddress(),
                    mine.publicPort());
            if (expected == null || !remotes.getOrDefault(target.id(), Set.of()).contains(expected)) {
                return;
            }
        }
        NatSession from;
        try {
            SessionTable.Lookup l = table.getOrCreate(p, ip.src(), sport, b, ctx.frame().src(),
                    hostPort(b, ctx.inPort()));
            from = l.session();
            if (l.created()) {
                int idle = (int) Math.min(65535, config.timeouts().initial(p).toSeconds());
                Remote remote = Remote.of(config.filtering(), target.publicAddress(), target.publicPort());
                if (remote != null) {
                    remotes.computeIfAbsent(from.id(), k -> ConcurrentHashMap.newKeySet()).add(remote);
                }
                flows.apply(b.dpid(), natFlows.mapping(b.factory(), b.uplink(), from, idle, remote))
                        .whenComplete((r, e) -> installed(from, r, e, new CompletableFuture<>()));
            }
        } catch (AllocationException e) {
            refused(e, p, ip.src(), sport);
            return;
        }
        int idle = (int) Math.min(65535, config.timeouts().initial(p).toSeconds());
        byte[] data = ctx.frame().bytes();
        OFPort inPort = ctx.inPort();
        flows.apply(b.dpid(), natFlows.hairpin(b.factory(), from, target, idle)).thenAccept(r -> {
            if (r.ok()) {
                log.info("event=nat-hairpin from={}:{} to={}:{} via={}:{}", from.insideAddress(), from.insidePort(),
                        target.insideAddress(), target.insidePort(), target.publicAddress(), target.publicPort());
                packets.packetOut(b.dpid(), inPort, List.of(b.factory().actions().output(OFPort.TABLE, 0)), data);
            }
        });
    }

    // ---- ICMP slow path (RFC 5508) --------------------------------------------------------------------------

    private static int ipEnd(byte[] data, Ipv4Packet ip) {
        return Math.min(data.length, ip.offset() + ip.totalLength());
    }

    /** An echo request (mapped by identifier) or an error about an inbound datagram, going out. */
    private void outboundIcmp(Border b, PacketContext ctx, Ipv4Packet ip, IcmpMessage icmp) {
        byte[] data = ctx.frame().bytes();
        int icmpAt = ip.offset() + ip.headerLength();
        NatSession s;
        byte[] out;
        if (icmp.type() == IcmpMessage.ECHO_REQUEST) {
            try {
                SessionTable.Lookup l = table.getOrCreate(Protocol.ICMP, ip.src(), icmp.identifier(), b,
                        ctx.frame().src(), hostPort(b, ctx.inPort()));
                s = l.session();
                if (l.created()) {
                    created(s);
                }
            } catch (AllocationException e) {
                refused(e, Protocol.ICMP, ip.src(), icmp.identifier());
                return;
            }
            out = data.clone();
            IcmpRewriter.setEchoId(out, icmpAt, ipEnd(out, ip), s.publicPort());
        } else if (icmp.isError() && PacketParser.parseIpv4(data, icmp.bodyOffset()) instanceof Ipv4Packet inner) {
            // The error is about a datagram that came in through a mapping: inner dst is the inside endpoint.
            Protocol p = protocolOf(inner.protocol());
            int port = innerPort(inner, false);
            s = p == null || port < 0 ? null : table.byInside(p, inner.dst(), port).orElse(null);
            if (s == null) {
                return;
            }
            out = data.clone();
            if (!IcmpRewriter.rewriteEmbedded(out, icmpAt, ipEnd(out, ip), false, s.publicAddress(), s.publicPort())) {
                return;
            }
        } else {
            metrics.untranslatable.increment();
            return;
        }
        if (s.protocol() == Protocol.ICMP) {
            icmpLastUsed.put(s.id(), System.nanoTime());
        }
        IPv4Address publicAddress = s.publicAddress();
        resolver.resolve(b, config.nextHop(ip.dst())).thenAccept(mac -> {
            byte[] frame = IcmpRewriter.withMacs(out, config.outsideMac(), mac);
            IcmpRewriter.rewriteOuter(frame, ip.offset(), publicAddress, null);
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(b.uplink(), 0)),
                    frame);
        });
    }

    /** An echo reply or an error for one of our mappings, coming in from the uplink. */
    private void inboundIcmp(EthernetFrame frame, Ipv4Packet ip, IcmpMessage icmp) {
        byte[] data = frame.bytes();
        int icmpAt = ip.offset() + ip.headerLength();
        NatSession s;
        byte[] out = data.clone();
        if (icmp.type() == IcmpMessage.ECHO_REPLY) {
            s = table.byPublic(Protocol.ICMP, ip.dst(), icmp.identifier()).orElse(null);
            if (s == null) {
                return;
            }
            IcmpRewriter.setEchoId(out, icmpAt, ipEnd(out, ip), s.insidePort());
            icmpLastUsed.put(s.id(), System.nanoTime());
        } else if (icmp.isError() && PacketParser.parseIpv4(data, icmp.bodyOffset()) instanceof Ipv4Packet inner) {
            // About a datagram we sent out: inner src is our public endpoint.
            Protocol p = protocolOf(inner.protocol());
            int port = innerPort(inner, true);
            s = p == null || port < 0 ? null : table.byPublic(p, inner.src(), port).orElse(null);
            if (s == null || !s.publicAddress().equals(ip.dst())) {
                return; // errors for unknown mappings are dropped
            }
            if (!IcmpRewriter.rewriteEmbedded(out, icmpAt, ipEnd(out, ip), true, s.insideAddress(), s.insidePort())) {
                return;
            }
        } else {
            return;
        }
        Border b = borders.get(s.dpid());
        if (b == null) {
            return;
        }
        byte[] toHost = IcmpRewriter.withMacs(out, config.insideMac(), s.insideMac());
        IcmpRewriter.rewriteOuter(toHost, ip.offset(), null, s.insideAddress());
        packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(s.switchPort(), 0)),
                toHost);
    }

    private static Protocol protocolOf(int number) {
        return switch (number) {
            case 6 -> Protocol.TCP;
            case 17 -> Protocol.UDP;
            case 1 -> Protocol.ICMP;
            default -> null;
        };
    }

    /** The embedded datagram's source or destination port (ICMP: echo identifier); -1 if not there. */
    private static int innerPort(Ipv4Packet inner, boolean source) {
        TransportPorts ports = TransportPorts.of(inner);
        if (ports != null) {
            return source ? ports.srcPort() : ports.dstPort();
        }
        if (inner.transport() instanceof IcmpMessage m && m.isEcho()) {
            return m.identifier();
        }
        return -1;
    }

    private void expireIcmp() {
        long idle = config.timeouts().icmp().toNanos();
        long now = System.nanoTime();
        icmpLastUsed.forEach((id, last) -> {
            if (now - last > idle && icmpLastUsed.remove(id, last)) {
                end(id, "idle");
            }
        });
    }

    // ---- lifetimes ------------------------------------------------------------------------------------------

    @Override
    public void flowRemoved(Dpid dpid, OFFlowRemoved message) {
        if (blockNat != null && NatCookies.isBlock(message.getCookie())) {
            blockNat.flowRemoved(dpid, message);
            return;
        }
        if (!NatCookies.isMapping(message.getCookie()) || !NatCookies.isOutbound(message.getCookie())) {
            return;
        }
        String reason = message.getReason() == OFFlowRemovedReason.IDLE_TIMEOUT ? "idle"
                : message.getReason() == OFFlowRemovedReason.DELETE ? "deleted" : message.getReason().toString();
        long id = NatCookies.sessionId(message.getCookie());
        Remote remote = NatFlows.remoteOf(message.getMatch());
        Set<Remote> left = remote == null ? null : remotes.get(id);
        if (left != null && message.getReason() != OFFlowRemovedReason.DELETE) {
            // One remote's flows idled out; the mapping lives while any remote's flow does.
            left.remove(remote);
            table.get(id).ifPresent(s -> {
                Border b = borders.get(s.dpid());
                if (b != null) {
                    flows.apply(s.dpid(), List.of(natFlows.deleteRemote(b.factory(), b.uplink(), s, remote)));
                }
            });
            if (!left.isEmpty()) {
                return;
            }
        }
        end(id, reason);
    }

    /**
     * Ends a mapping: removes both flows and returns the port to the pool.
     *
     * @return the mapping, if it existed
     */
    public Optional<NatSession> end(long id, String reason) {
        Optional<NatSession> removed = table.remove(id);
        icmpLastUsed.remove(id);
        transitory.remove(id);
        remotes.remove(id);
        removed.ifPresent(s -> {
            metrics.deleted.increment();
            Border b = borders.get(s.dpid());
            if (b != null) {
                flows.apply(s.dpid(), List.of(natFlows.deleteMapping(b.factory(), s.id())));
            }
            mappingLog.deleted(s, reason);
        });
        return removed;
    }

    /**
     * Sizes of the per-mapping state, for soak tests and diagnostics: all of them return to zero when no
     * mapping is live (caches per host and neighbour are bounded by the hosts, not by traffic).
     */
    public Map<String, Integer> mappingStateSizes() {
        return Map.of("sessions", table.size(), "installing", installing.size(), "icmp", icmpLastUsed.size(),
                "transitory", transitory.size(), "remotes", remotes.size(), "fragments", fragments.size());
    }

    /** Stops the service's timer. */
    public void shutdown() {
        timer.shutdownNow();
    }

    /** Floods stay inside: never out of a border's uplink. */
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
}
