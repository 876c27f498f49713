package org.natflow.apps.dhcp;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.LogLimiter;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCP server of the inside networks (RFC 2131), answering client messages that reach the controller on a
 * border's inside ports (never the uplink's: nothing is served to the public side). The packet-in listener only
 * copies the message onto a bounded queue; one worker thread decides, writes bound leases to the
 * {@link LeaseStore} before the client is told, and answers with a packet-out on the port the message came in.
 * A new address is probed with ARP first ({@link DhcpConfig#probeTimeout}): one that answers is held back as
 * declined and another is chosen.
 */
public final class DhcpServer implements PacketListener {

    private static final Logger log = LoggerFactory.getLogger(DhcpServer.class);
    /** Client messages waiting for the worker; past it they are dropped (and counted). */
    static final int QUEUE = 4096;
    private static final MacAddress BROADCAST = MacAddress.BROADCAST;
    private static final IPv4Address ALL_ONES = IPv4Address.of("255.255.255.255");

    private final DhcpConfig config;
    private final GatewayConfig gateway;
    private final Borders borders;
    private final PacketService packets;
    private final LeaseStore store;
    private final Clock clock;
    private final LeaseTable table;
    private final DhcpReplies replies;
    private final ThreadPoolExecutor worker;
    private final ScheduledExecutorService timer;
    private final java.util.List<Runnable> bindingsListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final LogLimiter messageLog = new LogLimiter(100, java.time.Duration.ofSeconds(10));
    /** Counters, read by the metrics binder. */
    public final AtomicLong received = new AtomicLong();
    public final AtomicLong dropped = new AtomicLong();
    public final AtomicLong malformed = new AtomicLong();
    public final AtomicLong offers = new AtomicLong();
    public final AtomicLong acks = new AtomicLong();
    public final AtomicLong naks = new AtomicLong();
    public final AtomicLong declines = new AtomicLong();
    public final AtomicLong releases = new AtomicLong();
    public final AtomicLong exhausted = new AtomicLong();
    public final AtomicLong probedInUse = new AtomicLong();
    private volatile boolean acrossFabric;
    /** Messages whose handling failed (a bug: logged, the message dropped). */
    public final AtomicLong failures = new AtomicLong();

    public DhcpServer(DhcpConfig config, Borders borders, PacketService packets, LeaseStore store, Clock clock) {
        this.config = config;
        this.gateway = borders.gateway();
        this.borders = borders;
        this.packets = packets;
        this.store = store;
        this.clock = clock;
        for (DhcpRange r : config.ranges()) {
            if (!gateway.isInside(r.first()) || !gateway.isInside(r.last())
                    || !sameNetwork(r.first(), r.last())) {
                throw new IllegalArgumentException("natflow.dhcp.ranges: " + r + " is not inside one inside network "
                        + gateway.insideNetworks());
            }
        }
        this.table = new LeaseTable(config.ranges(), borders::isPinned, List.of(gateway.gatewayAddress()));
        this.replies = new DhcpReplies(config, gateway);
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                new NamedThreads("natflow-dhcp"), new ThreadPoolExecutor.AbortPolicy());
        this.timer = Executors.newSingleThreadScheduledExecutor(new NamedThreads("natflow-dhcp-timer"));
    }

    private boolean sameNetwork(IPv4Address a, IPv4Address b) {
        return gateway.insideNetworks().stream().anyMatch(n -> n.contains(a) && n.contains(b));
    }

    /**
     * Serves the campus fabric's edge switches too (they are no borders): a client there is answered out of its
     * edge port, through the switch it sent from. Call before {@link #start}, when the fabric runs.
     */
    public void serveAcrossFabric() {
        this.acrossFabric = true;
    }

    /** Loads the stored leases and reservations, and starts expiring leases; call once. */
    public void start() {
        table.load(store.leases(), store.reservations());
        bindingsChanged();
        timer.scheduleWithFixedDelay(() -> worker.execute(this::expire), 30, 30, TimeUnit.SECONDS);
        log.info("event=dhcp-started ranges={} lease-seconds={} leases={}", config.ranges(),
                config.leaseTime().toSeconds(), table.valid(clock.millis()).size());
    }

    public void shutdown() {
        timer.shutdownNow();
        worker.shutdown();
    }

    private void expire() {
        boolean any = false;
        for (Lease l : table.expire(clock.millis())) {
            if (l.bound()) {
                store.delete(l.address());
                any = true;
                log.info("event=dhcp-lease-expired address={} mac={}", l.address(), l.mac());
            }
        }
        if (any) {
            bindingsChanged();
        }
    }

    /**
     * Calls {@code listener} (never on the packet-in path) whenever the set of {@link #bindings()} may have
     * changed; add listeners before {@link #start()}.
     */
    public void onBindingsChanged(Runnable listener) {
        bindingsListeners.add(listener);
    }

    private void bindingsChanged() {
        for (Runnable l : bindingsListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.warn("event=dhcp-bindings-listener-failed error=\"{}\"", e.toString());
            }
        }
    }

    /** The MAC and address pairs that may send now: bound, valid leases and every reservation. */
    public java.util.Set<Binding> bindings() {
        java.util.Set<Binding> out = new java.util.HashSet<>();
        long now = clock.millis();
        for (Lease l : table.valid(now)) {
            if (l.bound()) {
                out.add(new Binding(l.mac(), l.address()));
            }
        }
        for (Reservation r : store.reservations()) {
            out.add(new Binding(r.mac(), r.address()));
        }
        return out;
    }

    // ---- the API's view ---------------------------------------------------------------------------------------

    /** Valid leases (bound, and offers still held), by address. */
    public List<Lease> leases() {
        return table.valid(clock.millis());
    }

    /** Ends a lease now (as if its client released it); 404 if there is none. */
    public void release(IPv4Address address) {
        Lease l = table.ofAddress(address).filter(x -> x.validAt(clock.millis()))
                .orElseThrow(() -> new NotFoundException("no lease of " + address));
        table.remove(l.address());
        store.delete(l.address());
        bindingsChanged();
        log.info("event=dhcp-lease-released address={} mac={} by=api", l.address(), l.mac());
    }

    public List<Reservation> reservations() {
        return store.reservations();
    }

    /** Stores a reservation (400 for an address outside the inside networks, 409 for one taken). */
    public synchronized Reservation reserve(Reservation r) {
        check(r);
        Reservation stored = r.id() == 0 ? store.create(r) : store.update(r).orElseThrow(() ->
                new NotFoundException("no reservation " + r.id()));
        table.reserve(stored);
        bindingsChanged();
        return stored;
    }

    public synchronized void unreserve(long id) {
        if (!store.deleteReservation(id)) {
            throw new NotFoundException("no reservation " + id);
        }
        table.unreserve(id);
        bindingsChanged();
    }

    private void check(Reservation r) {
        if (!gateway.isInside(r.address()) || r.address().equals(gateway.gatewayAddress())) {
            throw RuleException.invalid("address", r.address() + " is not a host address of an inside network "
                    + gateway.insideNetworks());
        }
        for (Reservation o : store.reservations()) {
            if (o.id() != r.id() && o.mac().equals(r.mac())) {
                throw RuleException.conflict(r.mac() + " already has reservation " + o.id());
            }
            if (o.id() != r.id() && o.address().equals(r.address())) {
                throw RuleException.conflict(r.address() + " is reservation " + o.id() + "'s");
            }
        }
        Optional<Lease> l = table.ofAddress(r.address());
        if (l.isPresent() && l.get().bound() && l.get().validAt(clock.millis()) && !l.get().mac().equals(r.mac())) {
            throw RuleException.conflict(r.address() + " is leased to " + l.get().mac() + " until "
                    + java.time.Instant.ofEpochMilli(l.get().expiresMillis()) + "; release it first");
        }
    }

    // ---- packets ----------------------------------------------------------------------------------------------

    @Override
    public boolean onPacket(PacketContext ctx) {
        EthernetFrame frame = ctx.frame();
        Ipv4Packet ip = frame.ipv4();
        if (ip == null || ip.isFragment() || !(ip.transport() instanceof UdpDatagram udp) || udp.dstPort() != 67) {
            return false;
        }
        Border own = borders.border(ctx.dpid());
        if (own != null && ctx.inPort().equals(own.uplink())) {
            return true; // no DHCP service to the public side
        }
        // Across the campus fabric, an edge switch's host is answered on its edge port; a border probes for it.
        Border b = own != null ? own : acrossFabric ? borders.all().stream().findFirst().orElse(null) : null;
        if (b == null) {
            return false;
        }
        received.incrementAndGet();
        int at = ip.offset() + ip.headerLength() + 8;
        int length = Math.min(udp.length() - 8, frame.bytes().length - at);
        byte[] data = frame.bytes();
        MacAddress from = frame.src();
        try {
            Requester requester = new Requester(ctx.dpid(), ctx.factory(), ctx.inPort(), from);
            worker.execute(() -> handle(b, requester, data, at, length));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            dropped.incrementAndGet();
        }
        return true;
    }

    /**
     * Where a message came from: its switch (a border, or an edge switch of the fabric), the port and source MAC
     * (a relay agent's, when giaddr is set).
     */
    private record Requester(Dpid dpid, OFFactory factory, OFPort port, MacAddress mac) {
    }

    /**
     * Handles one message (a UDP payload to port 67 from {@code mac} on {@code port} of border {@code b}) on the
     * caller's thread, as the worker does: for tests and fuzzing.
     */
    void handle(Border b, OFPort port, MacAddress mac, byte[] payload) {
        handle(b, new Requester(b.dpid(), b.factory(), port, mac), payload, 0, payload.length);
    }

    private void handle(Border b, Requester port, byte[] data, int at, int length) {
        DhcpMessage m;
        try {
            m = DhcpMessage.parse(data, at, Math.max(0, length));
        } catch (DhcpMessage.FormatException e) {
            malformed.incrementAndGet();
            note("event=dhcp-malformed dpid={} port={} reason=\"{}\"", b.dpid(), port, e.getMessage());
            return;
        }
        if (m.op() != DhcpMessage.BOOTREQUEST) {
            return;
        }
        try {
            switch (m.type()) {
                case DhcpOptions.DISCOVER -> discover(b, port, m);
                case DhcpOptions.REQUEST -> request(b, port, m);
                case DhcpOptions.DECLINE -> decline(m);
                case DhcpOptions.RELEASE -> release(m);
                case DhcpOptions.INFORM -> inform(b, port, m);
                default -> malformed.incrementAndGet();
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.warn("event=dhcp-error mac={} type={} error=\"{}\"", m.chaddr(), DhcpOptions.typeName(m.type()),
                    e.toString());
        }
    }

    private void discover(Border b, Requester port, DhcpMessage m) {
        long now = clock.millis();
        String cid = m.clientId();
        Optional<IPv4Address> chosen = table.choose(cid, m.chaddr(), m.address(DhcpOptions.REQUESTED_ADDRESS), now);
        if (chosen.isEmpty()) {
            exhausted.incrementAndGet();
            note("event=dhcp-exhausted mac={} ranges={}", m.chaddr(), config.ranges());
            return; // RFC 2131 4.3.1: no address, no offer
        }
        IPv4Address a = chosen.get();
        boolean known = table.ofClient(cid).map(l -> l.address().equals(a)).orElse(false)
                || table.reservationOf(m.chaddr()).isPresent();
        if (known || config.probeTimeout().isZero()) {
            offer(b, port, m, a);
            return;
        }
        // Hold it for this client while the probe runs, so a second DISCOVER does not pick it for another.
        table.put(new Lease(a, m.chaddr(), cid, m.text(DhcpOptions.HOSTNAME), now + config.offerHold().toMillis(),
                false));
        CompletableFuture<Boolean> answered = borders.hosts().locate(b, a).handle((where, e) -> e == null)
                .completeOnTimeout(false, config.probeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        answered.thenAccept(inUse -> worker.execute(() -> {
            if (inUse) {
                probedInUse.incrementAndGet();
                table.decline(a, clock.millis() + config.declineHold().toMillis());
                log.info("event=dhcp-address-in-use address={} (answered the probe) mac={}", a, m.chaddr());
                discover(b, port, m);
            } else {
                offer(b, port, m, a);
            }
        }));
    }

    private void offer(Border b, Requester port, DhcpMessage m, IPv4Address a) {
        long now = clock.millis();
        table.put(new Lease(a, m.chaddr(), m.clientId(), m.text(DhcpOptions.HOSTNAME),
                now + config.offerHold().toMillis(), false));
        offers.incrementAndGet();
        send(b, port, m, replies.give(m, DhcpOptions.OFFER, a, a, true));
        note("event=dhcp-offer mac={} address={}", m.chaddr(), a);
    }

    private void request(Border b, Requester port, DhcpMessage m) {
        long now = clock.millis();
        IPv4Address server = m.address(DhcpOptions.SERVER_ID);
        IPv4Address requested = m.address(DhcpOptions.REQUESTED_ADDRESS);
        String cid = m.clientId();
        if (server != null && !server.equals(gateway.gatewayAddress())) {
            // SELECTING another server's offer: ours is free again.
            table.ofClient(cid).filter(l -> !l.bound()).ifPresent(l -> table.remove(l.address()));
            return;
        }
        IPv4Address a = requested != null ? requested : m.ciaddr();
        if (a == null || a.equals(IPv4Address.NONE)) {
            nak(b, port, m, "no address requested");
            return;
        }
        if (!table.usableBy(a, cid, m.chaddr(), now) || replies.network(a) == null) {
            nak(b, port, m, a + " is not yours");
            return;
        }
        Optional<Reservation> r = table.reservationOf(m.chaddr());
        if (r.isPresent() && !r.get().address().equals(a)) {
            nak(b, port, m, "your address is " + r.get().address());
            return;
        }
        // A client that sends no host name (udhcpc without -x hostname:) has none: "", never null.
        String hostname = r.map(Reservation::hostname).filter(h -> !h.isEmpty())
                .orElseGet(() -> java.util.Objects.requireNonNullElse(m.text(DhcpOptions.HOSTNAME), ""));
        Lease lease = new Lease(a, m.chaddr(), cid, hostname, now + config.leaseTime().toMillis(), true);
        store.save(lease); // durable before the client is told
        Lease old = table.put(lease);
        if (old != null && old.bound() && !old.address().equals(a)) {
            store.delete(old.address());
        }
        acks.incrementAndGet();
        bindingsChanged(); // the source guard lets the address through before the client hears it may use it
        send(b, port, m, replies.give(m, DhcpOptions.ACK, a, a, true));
        note("event=dhcp-ack mac={} address={} hostname={} seconds={}", m.chaddr(), a,
                hostname.isEmpty() ? "-" : hostname, config.leaseTime().toSeconds());
    }

    private void nak(Border b, Requester port, DhcpMessage m, String why) {
        naks.incrementAndGet();
        send(b, port, m, replies.nak(m, why));
        note("event=dhcp-nak mac={} reason=\"{}\"", m.chaddr(), why);
    }

    private void decline(DhcpMessage m) {
        IPv4Address a = m.address(DhcpOptions.REQUESTED_ADDRESS);
        if (a == null) {
            return;
        }
        Optional<Lease> l = table.ofAddress(a);
        if (l.isPresent() && l.get().clientId().equals(m.clientId())) {
            declines.incrementAndGet();
            table.decline(a, clock.millis() + config.declineHold().toMillis());
            store.delete(a);
            bindingsChanged();
            log.info("event=dhcp-decline address={} mac={} held-seconds={}", a, m.chaddr(),
                    config.declineHold().toSeconds());
        }
    }

    private void release(DhcpMessage m) {
        Optional<Lease> l = table.ofAddress(m.ciaddr());
        if (l.isPresent() && l.get().clientId().equals(m.clientId())) {
            releases.incrementAndGet();
            table.remove(m.ciaddr());
            store.delete(m.ciaddr());
            bindingsChanged();
            log.info("event=dhcp-release address={} mac={}", m.ciaddr(), m.chaddr());
        }
    }

    private void inform(Border b, Requester port, DhcpMessage m) {
        if (m.ciaddr().equals(IPv4Address.NONE) || replies.network(m.ciaddr()) == null) {
            return;
        }
        acks.incrementAndGet();
        send(b, port, m, replies.give(m, DhcpOptions.ACK, IPv4Address.NONE, m.ciaddr(), false));
    }

    /**
     * Sends a reply out of the port the request came in on (RFC 2131 4.1): to a relay agent's address and port 67
     * when it came through one; else broadcast unless the client has an address.
     */
    private void send(Border b, Requester from, DhcpMessage request, DhcpMessage reply) {
        boolean relayed = !request.giaddr().equals(IPv4Address.NONE);
        boolean unicast = relayed || !request.ciaddr().equals(IPv4Address.NONE) && reply.type() != DhcpOptions.NAK;
        MacAddress dstMac = relayed ? from.mac() : unicast ? request.chaddr() : BROADCAST;
        IPv4Address dstIp = relayed ? request.giaddr() : unicast ? request.ciaddr() : ALL_ONES;
        byte[] frame = Frames.udp(gateway.insideMac(), dstMac, gateway.gatewayAddress(), dstIp, 67, relayed ? 67 : 68,
                reply.bytes());
        packets.packetOut(from.dpid(), OFPort.CONTROLLER, List.of(from.factory().actions().output(from.port(), 0)),
                frame);
    }

    private void note(String format, Object... args) {
        long left = messageLog.permit();
        if (left >= 0) {
            log.info(format, args);
        }
    }
}
