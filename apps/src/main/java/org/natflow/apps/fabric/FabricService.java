package org.natflow.apps.fabric;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.HostLocation;
import org.natflow.apps.border.InsideNetwork;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchListener;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.api.SwitchService;
import org.natflow.controller.packet.ArpPacket;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.LldpProbe;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The campus fabric. Probes find the links between switches; hosts are learned where they send from (edge
 * ports only); every switch gets a flow per host towards it on the shortest path, and a flow per host that
 * steers its gateway traffic to its border. A host keeps its border while the border is reachable, so its
 * mappings and public address survive rerouting. Broadcasts and unknown destinations come to the controller
 * and are delivered straight to edge ports, so redundant links never loop; ARP for known addresses (hosts
 * and the gateway) is answered by the controller. Topology changes recompute every path and send only the
 * flows that differ.
 *
 * <p>It is the NAT's {@link InsideNetwork}: borders deliver to hosts across it by MAC.
 */
public final class FabricService implements SwitchListener, InsideNetwork {

    /** Priority of the learning listener: before every app, so hosts are learned whoever takes the packet. */
    public static final int LEARN_PRIORITY = Pipeline.Listener.FABRIC_LEARN.priority();
    /** Priority of the delivery listener: last, for what no app took. */
    public static final int DELIVER_PRIORITY = Pipeline.Listener.FABRIC_DELIVER.priority();

    private static final Logger log = LoggerFactory.getLogger(FabricService.class);

    private final FabricConfig config;
    private final FlowService flows;
    private final PacketService packets;
    private final SwitchService switches;
    private final LongSupplier nanos;
    private volatile FabricGateway gateway = FabricGateway.NONE;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("natflow-fabric"));

    // All state below is changed under this object's lock. The maps the packet-in path reads (switches, ports,
    // link ends, hosts) are concurrent, so an edge-port check and a known host cost no lock.
    private final LinkTable links = new LinkTable();
    private final Map<Dpid, SwitchInfo> connected = new ConcurrentHashMap<>();
    private final Map<PortKey, Long> portUpSince = new ConcurrentHashMap<>();
    private final FabricHosts hosts = new FabricHosts();
    private final Map<MacAddress, Dpid> assigned = new HashMap<>();
    private final Map<List<Object>, FabricFlows.Entry> installed = new HashMap<>();
    private final Map<MacAddress, CompletableFuture<Void>> pendingHosts = new HashMap<>();
    private Set<Dpid> lastBorders = Set.of();
    private final LongAdder recomputations = new LongAdder();
    private final LongAdder flowModsSent = new LongAdder();
    private final AtomicBoolean recomputeQueued = new AtomicBoolean();

    public FabricService(FabricConfig config, FlowService flows, PacketService packets, SwitchService switches,
                         LongSupplier nanos) {
        this.config = config;
        this.flows = flows;
        this.packets = packets;
        this.switches = switches;
        this.nanos = nanos;
    }

    /** Subscribes to packets and switch events and starts probing. */
    public void start() {
        packets.addListener(LEARN_PRIORITY, this::learn);
        packets.addListener(DELIVER_PRIORITY, this::deliver);
        switches.addListener(this);
        long interval = config.probeInterval().toMillis();
        timer.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
    }

    public void shutdown() {
        timer.shutdownNow();
    }

    /** Tells the fabric about the gateway (the NAT); until then it only switches between hosts. */
    public void setGateway(FabricGateway gateway) {
        this.gateway = gateway;
        gateway.onPreferencesChanged(this::requestRecompute);
        requestRecompute();
    }

    // ---- InsideNetwork --------------------------------------------------------------------------------------

    @Override
    public OFPort hostPort(Border border, OFPort inPort) {
        return HostDelivery.ACROSS_FABRIC;
    }

    @Override
    public Optional<HostLocation> known(Border border, IPv4Address host) {
        return Optional.ofNullable(hosts.mac(host)).map(mac -> new HostLocation(mac, HostDelivery.ACROSS_FABRIC));
    }

    @Override
    public boolean broadcast(Border border, byte[] frame) {
        deliverToEdges(null, -1, frame);
        return true;
    }

    // ---- view -----------------------------------------------------------------------------------------------

    /** Discovered link directions now. */
    public synchronized int linkCount() {
        return links.links().size();
    }

    /** Hosts known now. */
    public int hostCount() {
        return hosts.size();
    }

    /** Path recomputations so far. */
    public long recomputations() {
        return recomputations.sum();
    }

    /** Forwarding flow-mods sent by recomputations so far (only the ones that changed something). */
    public long flowModsSent() {
        return flowModsSent.sum();
    }

    /** A snapshot for the topology API. */
    public synchronized FabricView view() {
        long now = nanos.getAsLong();
        Set<Dpid> borders = gateway.borders();
        List<FabricView.SwitchNode> nodes = new ArrayList<>();
        for (SwitchInfo sw : switches.switches()) {
            List<Integer> edges = new ArrayList<>();
            for (SwitchPort p : sw.ports()) {
                if (isEdge(sw.dpid(), p, now)) {
                    edges.add(p.number());
                }
            }
            nodes.add(new FabricView.SwitchNode(sw.dpid(), borders.contains(sw.dpid()), edges));
        }
        List<FabricView.HostNode> hostNodes = new ArrayList<>();
        hosts.sorted().forEach(h -> hostNodes.add(new FabricView.HostNode(h, assigned.get(h.mac()))));
        return new FabricView(nodes, links.links(), hostNodes);
    }

    // ---- switches -------------------------------------------------------------------------------------------

    @Override
    public void event(SwitchEvent event) {
        SwitchInfo sw = event.sw();
        Dpid dpid = sw.dpid();
        boolean changed;
        synchronized (this) {
            long now = nanos.getAsLong();
            switch (event.type()) {
                case CONNECTED -> {
                    if (sw.version().compareTo(OFVersion.OF_13) < 0) {
                        log.warn("event=fabric-switch-refused dpid={} reason=\"the fabric needs OpenFlow 1.3 or"
                                + " later (goto-table), switch speaks {}\"", dpid, sw.version());
                        return;
                    }
                    connected.put(dpid, sw);
                    installed.keySet().removeIf(k -> k.get(0).equals(dpid));
                    sw.ports().forEach(p -> portChanged(dpid, p, now));
                    List<OFMessage> start = new ArrayList<>();
                    start.add(FabricFlows.deleteAll(sw.factory()));
                    start.addAll(FabricFlows.staticFlows(sw.factory()));
                    send(dpid, start);
                    if (sw.tables() > 0 && sw.tables() <= Pipeline.Table.FABRIC.id().getValue()) {
                        log.warn("event=fabric-too-few-tables dpid={} tables={}", dpid, sw.tables());
                    }
                    changed = true;
                }
                case DISCONNECTED -> {
                    connected.remove(dpid);
                    portUpSince.keySet().removeIf(k -> k.dpid().equals(dpid));
                    installed.keySet().removeIf(k -> k.get(0).equals(dpid));
                    changed = links.removeSwitch(dpid) | forgetHosts(h -> h.dpid().equals(dpid));
                }
                case PORT_ADDED, PORT_MODIFIED, PORT_REMOVED -> {
                    if (connected.replace(dpid, sw) == null) {
                        return; // not a fabric switch
                    }
                    SwitchPort p = event.port().orElse(null);
                    changed = p != null && (event.type() == SwitchEvent.Type.PORT_REMOVED
                            ? portDown(dpid, p.number()) : portChanged(dpid, p, now));
                }
                default -> changed = false;
            }
        }
        if (event.type() == SwitchEvent.Type.CONNECTED) {
            timer.execute(() -> probe(sw));
        }
        if (changed) {
            requestRecompute();
        }
    }

    /** Records a port's state; true if links or hosts went with it. */
    private boolean portChanged(Dpid dpid, SwitchPort p, long now) {
        if (!p.up()) {
            return portDown(dpid, p.number());
        }
        portUpSince.putIfAbsent(new PortKey(dpid, p.number()), now);
        return false;
    }

    private boolean portDown(Dpid dpid, int port) {
        portUpSince.remove(new PortKey(dpid, port));
        boolean linkGone = links.removePort(dpid, port);
        if (linkGone) {
            log.info("event=fabric-link-down dpid={} port={}", dpid, port);
        }
        return linkGone | forgetHosts(h -> h.dpid().equals(dpid) && h.port() == port);
    }

    private boolean forgetHosts(Predicate<FabricHost> which) {
        List<FabricHost> gone = hosts.forget(which);
        gone.forEach(h -> assigned.remove(h.mac()));
        return !gone.isEmpty();
    }

    private boolean isEdge(Dpid dpid, SwitchPort p, long now) {
        Long since = portUpSince.get(new PortKey(dpid, p.number()));
        return since != null && p.up() && !p.isLocal() && now - since >= config.settle().toNanos()
                && !links.isLinkPort(dpid, p.number()) && gateway.isInsidePort(dpid, p);
    }

    private boolean isEdge(Dpid dpid, int port, long now) {
        SwitchInfo sw = connected.get(dpid);
        return sw != null && sw.port(port).map(p -> isEdge(dpid, p, now)).orElse(false);
    }

    // ---- discovery ------------------------------------------------------------------------------------------

    void tick() {
        try {
            for (SwitchInfo sw : List.copyOf(connected.values())) {
                probe(sw);
            }
            boolean changed;
            synchronized (this) {
                List<Link> gone = links.expire(nanos.getAsLong(), config.linkTimeout().toNanos());
                gone.forEach(l -> log.info("event=fabric-link-timeout link={}", l));
                Set<Dpid> borders = Set.copyOf(gateway.borders());
                changed = !gone.isEmpty() || !borders.equals(lastBorders);
            }
            if (changed) {
                recompute();
            }
        } catch (RuntimeException e) {
            log.warn("event=fabric-tick-failed error=\"{}\"", e.toString());
        }
    }

    /** Sends a probe out of every inside port of a switch. */
    private void probe(SwitchInfo sw) {
        OFFactory f = sw.factory();
        for (SwitchPort p : sw.ports()) {
            if (p.up() && !p.isLocal() && gateway.isInsidePort(sw.dpid(), p)) {
                try {
                    packets.packetOut(sw.dpid(), OFPort.CONTROLLER, List.of(f.actions().output(p.ofPort(), 0)),
                            new LldpProbe(sw.dpid().value(), p.number()).frame(p.mac()));
                } catch (RuntimeException e) {
                    return; // the switch went away
                }
            }
        }
    }

    // ---- packets --------------------------------------------------------------------------------------------

    /** First listener: probes end here; anything from an edge port teaches where its sender is. */
    boolean learn(PacketContext ctx) {
        EthernetFrame frame = ctx.frame();
        if (frame.etherType() == EthernetFrame.TYPE_LLDP) {
            LldpProbe.parse(frame).ifPresent(p -> linkSeen(p, ctx));
            return true;
        }
        MacAddress src = frame.src();
        if (src.isMulticast() || src.equals(gateway.mac()) || src.equals(MacAddress.NONE)) {
            return false;
        }
        IPv4Address ip = FabricHosts.senderAddress(frame);
        int port = ctx.inPort().getPortNumber();
        if (!isEdge(ctx.dpid(), port, nanos.getAsLong())) {
            return false;
        }
        long nowMillis = System.currentTimeMillis();
        if (hosts.unchanged(src, ip, ctx.dpid(), port, nowMillis)) {
            return false; // nothing new (the common case): no lock, no allocation
        }
        boolean moved;
        synchronized (this) {
            moved = hosts.seen(src, ip, ctx.dpid(), port, nowMillis);
            if (moved) {
                pendingHosts.put(src, new CompletableFuture<>());
            }
        }
        if (moved) {
            requestRecompute();
        }
        return false;
    }

    private void linkSeen(LldpProbe p, PacketContext ctx) {
        Dpid from = new Dpid(p.dpid());
        boolean isNew;
        synchronized (this) {
            SwitchInfo at = connected.get(ctx.dpid());
            if (!connected.containsKey(from) || at == null) {
                return; // not one of ours (or not yet)
            }
            SwitchPort in = at.port(ctx.inPort().getPortNumber()).orElse(null);
            if (in == null || !gateway.isInsidePort(ctx.dpid(), in)) {
                return; // over the public side (a segment between two uplinks) is no fabric link
            }
            Link l = new Link(from, p.port(), ctx.dpid(), ctx.inPort().getPortNumber());
            isNew = links.seen(l, nanos.getAsLong());
            if (isNew) {
                log.info("event=fabric-link-up from={}/{} to={}/{}", l.src(), l.srcPort(), l.dst(), l.dstPort());
                // A port that turns out to be a link had hosts "behind" it only by mistake.
                forgetHosts(h -> (h.dpid().equals(l.dst()) && h.port() == l.dstPort())
                        || (h.dpid().equals(l.src()) && h.port() == l.srcPort()));
            }
        }
        if (isNew) {
            requestRecompute();
        }
    }

    /** Last listener: ARP answers, and delivery of what no flow forwarded. */
    boolean deliver(PacketContext ctx) {
        EthernetFrame frame = ctx.frame();
        int inPort = ctx.inPort().getPortNumber();
        FabricHost dst;
        CompletableFuture<Void> ready;
        boolean steered;
        synchronized (this) {
            if (!isEdge(ctx.dpid(), inPort, nanos.getAsLong())) {
                return true; // from a link or an unsettled port: never forwarded (no loops)
            }
            dst = hosts.get(frame.dst());
            ready = pendingHosts.get(frame.src());
            // Whether the host's gateway traffic is (about to be) steered on this switch.
            steered = ready != null || installed.containsKey(List.of(ctx.dpid(), FabricFlows.Kind.TO_GATEWAY,
                    frame.src()));
        }
        ArpPacket arp = frame.arp();
        if (arp != null && arp.opcode() == ArpPacket.REQUEST) {
            MacAddress answer = resolve(arp.targetIp());
            if (answer != null) {
                packets.packetOut(ctx.dpid(), OFPort.CONTROLLER, List.of(ctx.factory().actions().output(ctx.inPort(), 0)),
                        Frames.arpReply(arp, answer));
                return true;
            }
        }
        if (frame.dst().equals(gateway.mac())) {
            // A first packet that came before its steering flow: once the flow is there, the switch's own
            // tables take it to its border. Only misses of the fabric table, and never ARP (punted in table 0),
            // go round again, so nothing can circle between switch and controller.
            if (arp == null && steered && ctx.tableId().equals(Pipeline.Table.FABRIC.id())) {
                (ready != null ? ready : CompletableFuture.completedFuture(null)).thenRun(() -> packets.packetOut(
                        ctx.dpid(), OFPort.CONTROLLER, List.of(ctx.factory().actions().output(OFPort.TABLE, 0)),
                        frame.bytes()));
            }
            return true;
        }
        if (dst != null && !frame.dst().isMulticast()) {
            SwitchInfo at = switches.get(dst.dpid()).orElse(null);
            if (at != null) {
                packets.packetOut(dst.dpid(), OFPort.CONTROLLER,
                        List.of(at.factory().actions().output(OFPort.of(dst.port()), 0)), frame.bytes());
            }
            return true;
        }
        deliverToEdges(ctx.dpid(), inPort, frame.bytes());
        return true;
    }

    private synchronized MacAddress resolve(IPv4Address ip) {
        if (ip.equals(gateway.address())) {
            return gateway.mac();
        }
        return hosts.mac(ip);
    }

    /** Sends a frame out of every edge port of every switch, except the one it came in on. */
    private void deliverToEdges(Dpid fromDpid, int fromPort, byte[] data) {
        Map<Dpid, List<OFAction>> outs = new HashMap<>();
        synchronized (this) {
            long now = nanos.getAsLong();
            for (SwitchInfo sw : connected.values()) {
                for (SwitchPort p : sw.ports()) {
                    if (isEdge(sw.dpid(), p, now) && !(sw.dpid().equals(fromDpid) && p.number() == fromPort)) {
                        outs.computeIfAbsent(sw.dpid(), k -> new ArrayList<>())
                                .add(sw.factory().actions().output(p.ofPort(), 0));
                    }
                }
            }
        }
        outs.forEach((dpid, actions) -> {
            try {
                packets.packetOut(dpid, OFPort.CONTROLLER, actions, data);
            } catch (RuntimeException e) {
                log.debug("event=fabric-deliver-failed dpid={} error=\"{}\"", dpid, e.toString());
            }
        });
    }

    // ---- paths ----------------------------------------------------------------------------------------------

    /**
     * Asks for a recomputation on the fabric thread. Requests that arrive while one is waiting share it (a
     * burst of hosts at start-up costs one pass, not one per host).
     */
    private void requestRecompute() {
        if (recomputeQueued.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    recomputeQueued.set(false);
                    recompute();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                recomputeQueued.set(false); // shut down
            }
        }
    }

    /** Computes every host's flows on every switch and sends what differs from what is installed. */
    void recompute() {
        Map<Dpid, List<OFMessage>> batches = new HashMap<>();
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        Map<Dpid, CompletableFuture<?>> sent = new HashMap<>();
        synchronized (this) {
            MacAddress gw = gateway.mac();
            Set<Dpid> borders = Set.copyOf(gateway.borders());
            lastBorders = borders;
            Map<List<Object>, FabricFlows.Entry> wanted = FabricPlan.wanted(hosts.all(), connected.keySet(),
                    links.links(), borders, gateway, assigned);
            FabricPlan.changes(installed, wanted, gw, connected).forEach((dpid, batch) ->
                    batches.computeIfAbsent(dpid, k -> new ArrayList<>()).addAll(batch));
            installed.clear();
            installed.putAll(wanted);
            waiting.addAll(pendingHosts.values());
            pendingHosts.clear();
            // Sent under the lock: two recomputations never interleave their flow-mods on a switch.
            batches.forEach((dpid, batch) -> sent.put(dpid, send(dpid, batch)));
            recomputations.increment();
            batches.values().forEach(b -> flowModsSent.add(b.size()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(sent.values().toArray(CompletableFuture[]::new));
        all.whenComplete((r, e) -> waiting.forEach(w -> w.complete(null)));
        if (!batches.isEmpty()) {
            log.debug("event=fabric-recomputed switches={} flowmods={}", batches.size(),
                    batches.values().stream().mapToInt(List::size).sum());
        }
    }

    private CompletableFuture<?> send(Dpid dpid, List<OFMessage> batch) {
        try {
            return flows.apply(dpid, batch).whenComplete((r, e) -> {
                if (e != null || !r.ok()) {
                    log.warn("event=fabric-flows-failed dpid={} error=\"{}\"", dpid,
                            e != null ? e.toString() : r.errors().get(0).describe());
                }
            });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
