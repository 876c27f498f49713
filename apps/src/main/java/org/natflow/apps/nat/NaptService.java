package org.natflow.apps.nat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.BorderApp;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.HostLocation;
import org.natflow.apps.border.InsideHosts;
import org.natflow.apps.border.Routes;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.ports.TransportPorts;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowRemovedListener;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.KeyedTokenBuckets;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.IcmpMessage;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic NAPT on border switches. The first outbound packet of a TCP or UDP flow comes to the controller; it
 * gets a mapping (endpoint-independent, paired pooling, randomised port), the inbound flow then the outbound
 * flow are installed and confirmed with a barrier, and the packet is sent back through the switch's tables so
 * the new flows translate it. Later packets never reach the controller. ICMP ({@link IcmpNat}) and fragments
 * ({@link FragmentNat}) are translated here; hairpinning joins two inside endpoints through their public ones;
 * on the conntrack datapath ({@link BlockNat}) a host's first packet gets it a port block instead.
 */
public final class NaptService implements BorderApp, PacketListener, FlowRemovedListener {

    private static final Logger log = LoggerFactory.getLogger(NaptService.class);

    private final NatConfig config;
    private final MappingTable table;
    private final PublicPorts ports;
    private final Borders borders;
    private final InsideHosts hosts;
    private final Routes routes;
    private final FlowService flows;
    private final PacketService packets;
    private final NatFlows natFlows;
    private final NatMetrics metrics = new NatMetrics();
    private final Mappings mappings;
    private final MappingReconciler reconciler;
    private final IcmpNat icmp;
    private final FragmentNat fragments;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("natflow-nat-timer"));
    /** A host's meters and bucket go after this long without a new flow (a new flow brings them back). */
    static final long HOST_IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);
    // New-flow state per inside host: a bucket each (bursts of twice the rate) for max-hosts hosts, one shared
    // beyond; a tracked host also gets a meter on each border.
    private final KeyedTokenBuckets<IPv4Address> natHosts;
    private final Map<Dpid, HostMeters> hostMeters = new ConcurrentHashMap<>();
    // Borders whose flow table is being read back: new flows wait, so no live port is handed out twice.
    private final Set<Dpid> reconciling = ConcurrentHashMap.newKeySet();
    // The conntrack datapath's port blocks; null on the controller datapath.
    private final BlockNat blockNat;
    /** Most public endpoints of the tracker remembered for hairpinning (conntrack datapath). */
    static final int TRACKED_ENDPOINTS = 131_072;
    private final PortBlocks blocks;
    private final TcpMappingState tcpState;
    private final TrackedEndpoints trackedEndpoints;
    private final TrackedCopies trackedCopies;
    private final Hairpin hairpin;
    private volatile java.util.function.Consumer<Border> conntrackBorderUp;

    /**
     * The NAT on the borders of {@code borders}, its mappings in {@code table} (ports from {@code ports}), port
     * blocks in {@code blocks} on the conntrack datapath, records of both in {@code mappingLog}.
     */
    public NaptService(NatConfig config, MappingTable table, PortBlocks blocks, PublicPorts ports, Borders borders,
                       FlowService flows, PacketService packets, MappingLog mappingLog) {
        this.config = config;
        this.table = table;
        this.ports = ports;
        this.borders = borders;
        this.hosts = borders.hosts();
        this.routes = borders.routes();
        this.flows = flows;
        this.packets = packets;
        this.natFlows = new NatFlows(config);
        this.mappings = new Mappings(config, table, flows, natFlows, metrics, mappingLog, borders::border);
        this.reconciler = new MappingReconciler(table, mappings, flows, natFlows);
        SlowPath slowPath = new SlowPath(config, mappings, metrics, packets, routes, borders::border);
        this.icmp = new IcmpNat(slowPath);
        this.fragments = new FragmentNat(slowPath);
        this.natHosts = new KeyedTokenBuckets<>(config.newFlowRate(), 2.0 * config.newFlowRate(), config.maxHosts(),
                config.newFlowRate(), 2.0 * config.newFlowRate(), System.nanoTime());
        this.blockNat = config.conntrack() ? new BlockNat(config, blocks, flows, packets, metrics, mappingLog,
                routes::ensure, borders::border) : null;
        this.blocks = blocks;
        this.tcpState = new TcpMappingState(config, table, mappings, flows, natFlows);
        long longest = Math.max(config.timeouts().udp().toNanos(), config.timeouts().tcpEstablished().toNanos());
        this.trackedEndpoints = config.tracksForHairpin() ? new TrackedEndpoints(TRACKED_ENDPOINTS, longest) : null;
        this.trackedCopies = config.tracksForHairpin() ? new TrackedCopies(borders, blocks, trackedEndpoints, metrics)
                : null;
        this.hairpin = new Hairpin(config, table, mappings, ports, borders, blocks, trackedEndpoints,
                new Hairpin.Output(flows, natFlows, packets), metrics);
        long icmpIdle = config.timeouts().icmp().toNanos();
        timer.scheduleWithFixedDelay(() -> mappings.expireUnused(icmpIdle), 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> metrics.fragmentsDropped.add(fragments.expire()), 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(() -> forgetIdleHosts(System.nanoTime()), 30, 30, TimeUnit.SECONDS);
    }

    /**
     * The listener of the conntrack datapath's copies of new connections ({@link Pipeline.Listener#NAT_TRACKED}),
     * which hairpinning there needs; empty on the controller datapath.
     */
    public Optional<PacketListener> trackedCopies() {
        return Optional.ofNullable(trackedCopies);
    }

    /** The NAT's counters. */
    public NatMetrics metrics() {
        return metrics;
    }

    /** The live mappings. */
    public MappingTable table() {
        return table;
    }

    // ---- the border lifecycle ------------------------------------------------------------------------------------

    @Override
    public int cookieApp() {
        return AppCookies.NAT;
    }

    @Override
    public Optional<String> refusal(SwitchInfo sw) {
        if (blockNat != null && !BlockFlows.supported(sw.factory())) {
            return Optional.of("the conntrack datapath needs Nicira ct/nat actions, which this controller speaks"
                    + " in OpenFlow 1.3; the switch speaks " + sw.version());
        }
        return Optional.empty();
    }

    /**
     * Runs {@code setup} each time a border comes up on the conntrack datapath, before its flows go in: the
     * tracker's settings outside OpenFlow (its zone's timeouts, {@link ConntrackZonePolicy}), which Open vSwitch
     * takes only while a bridge of that datapath exists. {@code setup} must not block (it runs on the border's
     * event).
     */
    public void onConntrackBorderUp(java.util.function.Consumer<Border> setup) {
        this.conntrackBorderUp = setup;
    }

    @Override
    public void borderUp(Border b) {
        java.util.function.Consumer<Border> setup = conntrackBorderUp;
        if (blockNat != null && setup != null) {
            setup.accept(b);
        }
        reconciling.add(b.dpid());
        hostMeters.put(b.dpid(), new HostMeters());
        List<OFMessage> staticFlows = new ArrayList<>(natFlows.staticFlows(b));
        if (blockNat != null) {
            if (config.tracksForHairpin()) {
                staticFlows.addAll(blockNat.flows().copyMeterMods(b.factory(), natFlows));
            }
            staticFlows.addAll(blockNat.flows().staticFlows(b));
        }
        flows.apply(b.dpid(), staticFlows).whenComplete((r, e) -> {
            if (e != null || !r.ok()) {
                log.warn("event=nat-static-flows-failed dpid={} error=\"{}\"", b.dpid(),
                        e != null ? e.toString() : r.errors().get(0).describe());
            }
        });
    }

    @Override
    public boolean readsBack() {
        return true;
    }

    /**
     * Brings the mapping table and a border's flow table into agreement after a (re)connect: mappings whose
     * flows vanished are released, intact flow pairs the table does not know (a controller restart) are
     * restored with their ports claimed, and flows nobody can account for are deleted.
     */
    @Override
    public void reconcile(Border b, List<OFFlowStatsEntry> entries) {
        try {
            int[] counts = reconciler.reconcile(b, entries);
            if (blockNat != null) {
                int[] blocks = blockNat.reconcile(b, entries);
                for (int i = 0; i < 3; i++) {
                    counts[i] += blocks[i];
                }
            }
            log.info("event=nat-reconciled dpid={} restored={} released={} deleted={}", b.dpid(), counts[0],
                    counts[2], counts[1]);
        } finally {
            reconciling.remove(b.dpid());
        }
    }

    @Override
    public void reconcileFailed(Border b, Throwable error) {
        reconciling.remove(b.dpid());
    }

    /** The border was retired: the mappings on it end, and its meters go with the NAT's flows. */
    @Override
    public void borderRetired(Border b) {
        for (NatSession s : table.on(b.dpid())) {
            mappings.end(s.id(), "uplink-changed");
        }
        if (blockNat != null) {
            blockNat.borderGone(b.dpid(), "uplink-changed");
        }
        if (config.newFlowRate() > 0) {
            flows.apply(b.dpid(), List.of(natFlows.deleteMeters(b.factory())));
        }
    }

    @Override
    public void borderDown(Border b) {
        hostMeters.remove(b.dpid());
    }

    // ---- packets --------------------------------------------------------------------------------------------

    @Override
    public boolean onPacket(PacketContext ctx) {
        Border b = borders.border(ctx.dpid());
        if (b == null) {
            return false;
        }
        EthernetFrame frame = ctx.frame();
        if (ctx.cookie().equals(NatCookies.TCP_CLOSE)) {
            tcpState.onCopy(b, ctx);
            return true; // a copy: the segment itself goes on through the NAT table
        }
        Ipv4Packet ip = frame.ipv4();
        if (ctx.inPort().equals(b.uplink())) {
            if (ip != null && ip.isFragment() && config.isPublic(ip.dst()) && ip.ttl() > 1) {
                fragments.inbound(frame, ip);
            } else if (ip != null && ip.transport() instanceof IcmpMessage m && config.isPublic(ip.dst())
                    && ip.ttl() > 1) {
                icmp.inbound(frame, ip, m);
            }
            return true; // nothing from the uplink is ever switched inside by L2
        }
        if (frame.arp() != null) {
            return false; // the gateway's ARP is answered before; hosts' ARP among themselves is L2's
        }
        if (reconciling.contains(b.dpid()) && frame.dst().equals(config.insideMac())) {
            return true; // a new flow while mappings are read back: dropped; its sender will retry
        }
        if (ip == null || !frame.dst().equals(config.insideMac())) {
            return false;
        }
        if (!config.isInside(ip.src())) {
            metrics.spoofed.increment();
            return true;
        }
        OFPort hostPort = hosts.hostPort(b, ctx.inPort());
        hosts.learn(ip.src(), new HostLocation(frame.src(), hostPort));
        boolean admitted = natHosts.take(ip.src(), System.nanoTime());
        if (natHosts.tracked(ip.src())) {
            meterHost(b, ip.src());
        } else if (config.newFlowRate() > 0) {
            metrics.hostsUntracked.increment();
        }
        if (!admitted) {
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
        boolean ours = config.isPublic(ip.dst()) || borders.hostAddresses().byPublic(ip.dst()).isPresent();
        if (ip.isFragment() && !config.isInside(ip.dst()) && !ours) {
            fragments.outbound(b, ctx, ip, hostPort);
            return true;
        }
        if (ours && ip.fragmentOffset() == 0) {
            hairpin.onPacket(b, ctx, ip, hostPort);
            return true;
        }
        if (config.isInside(ip.dst()) || ours || ip.fragmentOffset() != 0) {
            metrics.untranslatable.increment();
            return true;
        }
        TransportPorts tp = TransportPorts.of(ip);
        if (tp != null && blockNat != null) {
            blockNat.firstPacket(b, ip, frame.src(), hostPort, ctx.inPort(), frame.bytes());
        } else if (tp != null) {
            outbound(b, ctx, ip, tp, hostPort);
        } else if (ip.transport() instanceof IcmpMessage m) {
            icmp.outbound(b, ctx, ip, m, hostPort);
        } else {
            metrics.untranslatable.increment();
        }
        return true;
    }

    /** Gives an inside host its own meter on the punt path, the first time it is seen on a border. */
    private void meterHost(Border b, IPv4Address host) {
        HostMeters meters = hostMeters.get(b.dpid());
        OptionalLong assigned = config.newFlowRate() <= 0 || meters == null ? OptionalLong.empty()
                : meters.assign(host);
        if (assigned.isEmpty()) {
            return;
        }
        long id = assigned.getAsLong();
        flows.apply(b.dpid(), List.of(natFlows.meter(b.factory(), id, config.newFlowRate()),
                natFlows.hostPunt(b.factory(), host, id))).whenComplete((r, e) -> {
                    if (e != null || !r.ok()) {
                        log.warn("event=nat-host-meter-failed dpid={} host={} error=\"{}\"", b.dpid(), host,
                                e != null ? e.toString() : r.errors().get(0).describe());
                    }
                });
    }

    /**
     * Forgets the hosts without a new flow for {@link #HOST_IDLE_NANOS}: their buckets, and on every border their
     * punt flow and meter (a new flow from such a host gives it both again). Runs on the NAT's timer.
     */
    void forgetIdleHosts(long nowNanos) {
        for (IPv4Address host : natHosts.expire(nowNanos, HOST_IDLE_NANOS)) {
            metrics.hostsForgotten.increment();
            for (Border b : borders.all()) {
                HostMeters meters = hostMeters.get(b.dpid());
                OptionalLong id = meters == null ? OptionalLong.empty() : meters.release(host);
                if (id.isPresent()) {
                    flows.apply(b.dpid(), List.of(natFlows.deleteHostPunt(b.factory(), host),
                            natFlows.deleteMeter(b.factory(), id.getAsLong())));
                }
            }
        }
    }

    /** Inside hosts with a new-flow bucket (and meters) of their own now. */
    public int trackedHosts() {
        return natHosts.size();
    }

    private void outbound(Border b, PacketContext ctx, Ipv4Packet ip, TransportPorts tp, OFPort hostPort) {
        metrics.newFlowPacketIns.increment();
        MappingTable.Lookup lookup = mappings.lookup(tp.protocol(), ip.src(), tp.srcPort(), b, ctx.frame().src(),
                hostPort);
        if (lookup == null) {
            return;
        }
        NatSession s = lookup.session();
        byte[] data = ctx.frame().bytes();
        OFPort inPort = ctx.inPort();
        CompletableFuture<Boolean> ready;
        Remote remote = Remote.of(config.filtering(), ip.dst(), tp.dstPort());
        if (lookup.created()) {
            ready = new CompletableFuture<>();
            mappings.install(b, s, remote, routes.ensure(b, ip.dst()), ready);
        } else if (remote != null && mappings.admit(s.id(), remote)) {
            // Same mapping, new remote: its own flow pair, so filtering lets exactly this remote back in.
            int idle = mappings.initialIdle(tp.protocol());
            ready = mappings.ready(s.id()).thenCompose(ok -> ok ? routes.ensure(b, ip.dst()).thenCompose(v ->
                    flows.apply(b.dpid(), natFlows.mapping(b.factory(), b.uplink(), s, idle, remote)))
                    .thenApply(r -> r.ok()) : CompletableFuture.completedFuture(false));
        } else {
            // A duplicate first packet, or a packet that raced the flows: send it once they are in.
            ready = mappings.ready(s.id());
        }
        ready.thenAccept(ok -> {
            if (ok) {
                routes.ensure(b, ip.dst()).thenRun(() -> packets.packetOut(b.dpid(), inPort,
                        List.of(b.factory().actions().output(OFPort.TABLE, 0)), data));
            }
        });
    }

    /**
     * The public endpoint an inside endpoint's connections leave from now (its mapping of this NAT's, or on the
     * conntrack datapath the port its newest connection was seen with), if it has one. Memory only.
     */
    public Optional<Endpoint> publicEndpoint(Protocol p, IPv4Address inside, int insidePort) {
        Optional<NatSession> s = table.byInside(p, inside, insidePort);
        if (s.isPresent()) {
            return Optional.of(new Endpoint(s.get().publicAddress(), s.get().publicPort()));
        }
        if (trackedEndpoints == null) {
            return Optional.empty();
        }
        return trackedEndpoints.publicPort(p, inside, insidePort, System.nanoTime())
                .flatMap(port -> blocks.of(inside).filter(k -> port >= k.first() && port <= k.last())
                        .map(k -> new Endpoint(k.address(), port)));
    }

    /** How long a mapping of this protocol lasts after its last packet. */
    public java.time.Duration idleTimeout(Protocol p) {
        return config.timeouts().initial(p);
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
        if (remote != null && message.getReason() != OFFlowRemovedReason.DELETE && mappings.filters(id)) {
            // One remote's flows idled out; the mapping lives while any remote's flow does.
            boolean others = mappings.dropRemote(id, remote);
            table.get(id).ifPresent(s -> {
                Border b = borders.border(s.dpid());
                if (b != null) {
                    flows.apply(s.dpid(), List.of(natFlows.deleteRemote(b.factory(), b.uplink(), s, remote)));
                }
            });
            if (others) {
                return;
            }
        }
        mappings.end(id, reason);
    }

    /**
     * Ends a mapping: removes both flows and returns the port to the pool.
     *
     * @return the mapping, if it existed
     */
    public Optional<NatSession> end(long id, String reason) {
        return mappings.end(id, reason);
    }

    /**
     * Sizes of the per-mapping state, for soak tests and diagnostics: all of them return to zero when no
     * mapping is live (caches per host and neighbour are bounded by the hosts, not by traffic).
     */
    public Map<String, Integer> mappingStateSizes() {
        Map<String, Integer> sizes = new HashMap<>(mappings.sizes());
        sizes.put("fragments", fragments.size());
        return Map.copyOf(sizes);
    }

    /** Stops the service's timer. */
    public void shutdown() {
        timer.shutdownNow();
    }
}
