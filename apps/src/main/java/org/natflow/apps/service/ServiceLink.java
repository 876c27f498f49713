package org.natflow.apps.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.BorderApp;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.TransportPorts;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowRemovedListener;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.LogLimiter;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchService;
import org.natflow.controller.packet.ArpPacket;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay service link: natflow's own services (TCP relay legs, TURN) are reached through a border port
 * that links to natflow's host, with every conversation translated by the switch between the remote and the
 * public endpoint on one side, and a link-local alias endpoint and natflow's link address on the other. The
 * first packet of a conversation from outside (or from an inside host) comes here; so does a packet a service
 * sends before the conversation's flows are in. Services open conversations towards remotes themselves with
 * {@link #connect}.
 */
public final class ServiceLink implements BorderApp, PacketListener, FlowRemovedListener {

    private static final Logger log = LoggerFactory.getLogger(ServiceLink.class);
    /** A conversation no service vouched for within this long is given up (its flows deleted). */
    static final Duration UNCONFIRMED_MAX_AGE = Duration.ofSeconds(10);
    /** Conversation lines: one per remote endpoint would let any sender grow the log. */
    private final LogLimiter conversationLog = new LogLimiter(50, Duration.ofSeconds(10));
    /** Refusals, apart: a busy link's conversation lines must not hide why a first packet was refused. */
    private final LogLimiter refusalLog = new LogLimiter(50, Duration.ofSeconds(10));

    private record LinkedBorder(Border border, OFPort linkPort) {
    }

    private final GatewayConfig nat;
    private final ServiceLinkConfig link;
    private final FlowService flows;
    private final PacketService packets;
    private final SwitchService switches;
    private final Borders platform;
    private final ServiceFlows serviceFlows;
    private final Map<Dpid, LinkedBorder> borders = new ConcurrentHashMap<>();
    private final Set<Dpid> adoptedOnce = ConcurrentHashMap.newKeySet();
    private final ConversationTable conversations;
    private final ExposedPorts exposed;
    private final List<Consumer<Conversation>> closeListeners = new CopyOnWriteArrayList<>();
    private final LongSupplier nanos;

    /** The link {@code link} on the borders of {@code platform} that have its port. */
    public ServiceLink(ServiceLinkConfig link, FlowService flows, PacketService packets, SwitchService switches,
                       Borders platform) {
        this(link, flows, packets, switches, platform, System::nanoTime);
    }

    /** The same, on the clock {@code nanos} (tests). */
    ServiceLink(ServiceLinkConfig link, FlowService flows, PacketService packets, SwitchService switches,
                Borders platform, LongSupplier nanos) {
        this.nanos = nanos;
        this.nat = platform.gateway();
        this.link = link;
        this.flows = flows;
        this.packets = packets;
        this.switches = switches;
        this.platform = platform;
        this.serviceFlows = new ServiceFlows(nat, link);
        this.exposed = new ExposedPorts(nat);
        this.conversations = new ConversationTable(link.unconfirmedPerSource(), link.unconfirmedTotal(),
                UNCONFIRMED_MAX_AGE);
    }

    /** Starts following borders; call once. */
    public void start() {
        platform.keepFromFlooding(link.portName());
        platform.register(this);
    }

    @Override
    public int cookieApp() {
        return AppCookies.SERVICE;
    }

    /** The link's configuration. */
    public ServiceLinkConfig config() {
        return link;
    }

    /** Whether some border has the link now. */
    public boolean attached() {
        return !borders.isEmpty();
    }

    /** Called when a conversation ends (idle in the switch, or closed). */
    public void addCloseListener(Consumer<Conversation> listener) {
        closeListeners.add(listener);
    }

    @Override
    public void borderUp(Border b) {
        adopt(b);
    }

    /** The link port may appear after the border is up (it is added to a running switch). */
    @Override
    public void portsChanged(Border b) {
        adopt(b);
    }

    @Override
    public void borderDown(Border b) {
        borders.remove(b.dpid());
    }

    private synchronized void adopt(Border b) {
        switches.get(b.dpid()).flatMap(sw -> sw.port(link.portName())).ifPresent(p -> {
            LinkedBorder known = borders.get(b.dpid());
            if (known != null && known.linkPort().equals(p.ofPort()) && known.border().equals(b)) {
                return;
            }
            LinkedBorder lb = new LinkedBorder(b, p.ofPort());
            borders.put(b.dpid(), lb);
            List<OFMessage> m = new ArrayList<>();
            if (adoptedOnce.add(b.dpid())) {
                // Conversations of an earlier run ended with it (its services' sockets are gone): their flows
                // would otherwise send the public ports they hold to the link for hours.
                m.add(AppCookies.deleteAll(b.factory(), AppCookies.SERVICE));
            }
            m.addAll(serviceFlows.staticFlows(b.factory(), p.ofPort()));
            for (ExposedPorts.Exposed e : exposed.exposed()) {
                m.add(serviceFlows.exposed(b.factory(), b.uplink(), e.protocol(), e.address(), e.port()));
            }
            flows.apply(b.dpid(), m);
            log.info("event=service-link-up dpid={} port={} service={} alias={}", b.dpid(), link.portName(),
                    link.serviceAddress(), link.aliasAddress());
        });
    }

    /** A border stopped being one: its conversations end (the link's flows there go). */
    @Override
    public synchronized void borderRetired(Border b) {
        for (Conversation c : conversations.all()) {
            if (c.dpid().equals(b.dpid())) {
                close(c);
            }
        }
    }

    /** Public endpoints whose first packets should open conversations with natflow's service on the same port. */
    public void expose(Protocol p, IPv4Address address, int port) {
        exposed.expose(new ExposedPorts.Exposed(p, address, port));
        for (LinkedBorder lb : borders.values()) {
            flows.apply(lb.border().dpid(), List.of(serviceFlows.exposed(lb.border().factory(), lb.border().uplink(),
                    p, address, port)));
        }
    }

    /** Stops opening conversations for a public endpoint and ends the ones it has. */
    public void unexpose(Protocol p, IPv4Address address, int port) {
        exposed.unexpose(new ExposedPorts.Exposed(p, address, port));
        for (LinkedBorder lb : borders.values()) {
            flows.apply(lb.border().dpid(), List.of(serviceFlows.unexposed(lb.border().factory(),
                    lb.border().uplink(), p, address, port)));
        }
        for (Conversation c : conversations.all()) {
            if (c.protocol() == p && c.publicSide().equals(new Endpoint(address, port))) {
                close(c);
            }
        }
    }

    /**
     * Ports of the gateway address (the inside hosts' default gateway) whose first packets from inside hosts
     * open conversations with natflow's service on the same port: how inside hosts reach natflow's proxies.
     * No flow is needed for them: first packets to the gateway MAC reach the controller through the NAT's
     * (metered) punt flows.
     */
    public void exposeOnGateway(Protocol p, int port) {
        exposeOnGateway(p, port, 0);
    }

    /**
     * The same, its conversations idling out after {@code idleSeconds} in the switch (0: the link's own idle
     * timeouts). A service whose clients use a fresh port per request (DNS resolvers) keeps few alias ports so.
     */
    public void exposeOnGateway(Protocol p, int port, int idleSeconds) {
        exposed.exposeOnGateway(p, port, idleSeconds);
    }

    /** Stops opening conversations for a gateway port and ends the ones it has. */
    public void unexposeOnGateway(Protocol p, int port) {
        ExposedPorts.Exposed e = exposed.unexposeOnGateway(p, port);
        for (Conversation c : conversations.all()) {
            if (c.protocol() == p && c.publicSide().equals(new Endpoint(e.address(), port))) {
                close(c);
            }
        }
    }

    /**
     * Intercepts an inside host's first packet (a TCP SYN towards a server beyond the uplink, to the gateway's
     * MAC): opens the conversation that carries the connection to natflow's service on {@code servicePort} of the
     * link address instead, the server's endpoint kept as the conversation's public side (so the service knows the
     * original destination, and the host sees the server answer), and sends the packet on through it. False
     * when the link cannot take it: not on this border, no alias port free, or too many unconfirmed
     * conversations from the host.
     */
    public boolean intercept(PacketContext ctx, int servicePort) {
        LinkedBorder lb = borders.get(ctx.dpid());
        EthernetFrame frame = ctx.frame();
        Ipv4Packet ip = frame.ipv4();
        TransportPorts ports = ip == null ? null : TransportPorts.of(ip);
        if (lb == null || ports == null || ports.protocol() != Protocol.TCP) {
            return false;
        }
        Endpoint remote = new Endpoint(ip.src(), ports.srcPort());
        Endpoint server = new Endpoint(ip.dst(), ports.dstPort());
        Conversation c = conversations.find(Protocol.TCP, remote, server);
        if (c == null) {
            c = openFor(lb, Protocol.TCP, remote, server, servicePort, true, frame, ctx.inPort());
        }
        if (c == null) {
            return false;
        }
        resend(lb, c, ctx.inPort(), frame.bytes());
        return true;
    }

    /** The conversation a service sees as coming from {@code aliasAddress:aliasPort}. */
    public Optional<Conversation> byAlias(Protocol p, int aliasPort) {
        return Optional.ofNullable(conversations.byAlias(p, aliasPort));
    }

    /**
     * Opens (or finds) a conversation from a public endpoint of natflow's to a remote beyond the uplink, for a
     * service that sends first (a TURN relay towards a peer) from the public port's number on the link address.
     * Completes with the alias endpoint to send to once the switch translates it.
     */
    public CompletableFuture<Endpoint> connect(Protocol p, Endpoint publicSide, Endpoint remote) {
        LinkedBorder lb = borders.values().stream().findFirst().orElse(null);
        return lb == null ? notAttached() : connect(lb, p, publicSide, remote, publicSide.port());
    }

    /**
     * Opens a conversation on border {@code dpid} from a public endpoint to a remote beyond its uplink, for a
     * service socket bound to {@code servicePort} on the link address (an ephemeral port of its own, so that
     * sockets for the same port number on two pool addresses never collide). Completes with the alias endpoint
     * to connect or send to once the switch translates it; fails if the border has no link, or no alias port
     * is free.
     */
    public CompletableFuture<Endpoint> connect(Dpid dpid, Protocol p, Endpoint publicSide, Endpoint remote,
                                               int servicePort) {
        LinkedBorder lb = borders.get(dpid);
        return lb == null ? notAttached() : connect(lb, p, publicSide, remote, servicePort);
    }

    /**
     * Opens (or finds) a conversation of a conversation's remote (inside or out, where it is) with another
     * public endpoint of natflow's that a service listens on, unconfirmed (bounded per source like a first
     * packet's), for a service that answers from another endpoint than the one asked (STUN's CHANGE-REQUEST).
     * Completes with the alias endpoint to send to from the socket of {@code publicSide}'s port.
     */
    public CompletableFuture<Endpoint> sibling(Conversation c, Endpoint publicSide) {
        LinkedBorder lb = borders.get(c.dpid());
        if (lb == null) {
            return notAttached();
        }
        Conversation s;
        try {
            s = open(lb, c.protocol(), c.remote(), publicSide, publicSide.port(), c.inside(), c.mac(), c.switchPort(),
                    false);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
        return conversations.installed(s).thenApply(x -> new Endpoint(link.aliasAddress(), s.aliasPort()));
    }

    private static CompletableFuture<Endpoint> notAttached() {
        return CompletableFuture.failedFuture(new IllegalStateException("the service link is not attached"));
    }

    private CompletableFuture<Endpoint> connect(LinkedBorder lb, Protocol p, Endpoint publicSide, Endpoint remote,
                                                int servicePort) {
        Conversation c;
        try {
            c = open(lb, p, remote, publicSide, servicePort, false, null, null, true);
        } catch (IllegalStateException e) {
            return CompletableFuture.failedFuture(e);
        }
        return conversations.installed(c).thenApply(x -> new Endpoint(link.aliasAddress(), c.aliasPort()));
    }

    /** Ends a conversation: its flows go and its alias port is free again. */
    public void close(Conversation c) {
        if (!conversations.remove(c)) {
            return;
        }
        LinkedBorder lb = borders.get(c.dpid());
        if (lb != null) {
            flows.apply(c.dpid(), List.of(serviceFlows.delete(lb.border().factory(), c.protocol(), c.aliasPort())));
        }
        closeListeners.forEach(l -> l.accept(c));
    }

    /**
     * The conversation of a remote with a public endpoint, opened if there is none. One opened for a remote's
     * first packet is unconfirmed until its service vouches for it ({@link #confirm}); those are bounded per
     * source and in all (the oldest gives way), so spoofed first packets cannot use up the alias ports.
     */
    private Conversation open(LinkedBorder lb, Protocol p, Endpoint remote, Endpoint publicSide, int servicePort,
                              boolean inside, MacAddress mac, OFPort port, boolean confirmed) {
        Conversation existing = conversations.find(p, remote, publicSide);
        if (existing != null) {
            return existing;
        }
        long now = nanos.getAsLong();
        conversations.expired(now).forEach(this::close); // nobody vouched for them in time: their shares are free
        ConversationTable.Opened o = conversations.open(p, remote, publicSide, confirmed, now,
                alias -> new Conversation(p, remote, publicSide, alias, servicePort, inside, mac, port,
                        lb.border().dpid()), c -> install(lb, c));
        if (o.created()) {
            long left = conversationLog.permit();
            if (left >= 0) {
                log.info("event=service-conversation protocol={} remote={} public={} alias={}:{} suppressed={}",
                        p.lower(), remote, publicSide, link.aliasAddress(), o.conversation().aliasPort(), left);
            }
        }
        if (o.evicted() != null) {
            close(o.evicted()); // the oldest conversation nobody vouched for gives way
        }
        return o.conversation();
    }

    /**
     * A service vouches for a conversation (its client authenticated, its connection was accepted): it is no
     * longer among the unconfirmed that give way to new ones.
     */
    public void confirm(Protocol p, int aliasPort) {
        conversations.confirm(p, aliasPort);
    }

    /** Conversations no service has vouched for yet. */
    public int unconfirmedCount() {
        return conversations.unconfirmedCount();
    }

    private CompletableFuture<Void> install(LinkedBorder lb, Conversation c) {
        Border b = lb.border();
        MacAddress serviceMac = link.serviceMac().get();
        if (serviceMac == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("natflow's service link interface "
                    + link.serviceAddress() + " not found"));
        }
        CompletableFuture<MacAddress> remoteMac = c.inside() ? CompletableFuture.completedFuture(c.mac())
                : platform.routes().nextHopMac(b, c.remote().address());
        int linkIdle = c.protocol() == Protocol.TCP ? link.tcpIdle() : link.udpIdle();
        int idle = !c.inside() ? linkIdle : exposed.idle(c.protocol(), c.publicSide(), linkIdle);
        return remoteMac.thenCompose(mac -> flows.apply(b.dpid(), serviceFlows.conversation(b.factory(), b.uplink(),
                lb.linkPort(), c, mac, serviceMac, idle))).thenAccept(r -> {
                    if (!r.ok()) {
                        throw new IllegalStateException(r.errors().get(0).describe());
                    }
                });
    }

    // ---- packets --------------------------------------------------------------------------------------------

    @Override
    public boolean onPacket(PacketContext ctx) {
        LinkedBorder lb = borders.get(ctx.dpid());
        if (lb == null) {
            return false;
        }
        if (Pipeline.isCopy(ctx)) {
            return false; // a FIN or RST copy: its original goes on through the conversation's flows
        }
        EthernetFrame frame = ctx.frame();
        if (ctx.inPort().equals(lb.linkPort())) {
            fromLink(lb, ctx, frame);
            return true;
        }
        ExposedPorts.Arrival a = exposed.arrival(ctx, lb.border());
        if (a == null) {
            return false; // nothing exposed: another app's packet
        }
        if (a == ExposedPorts.Arrival.NOT_SERVED) {
            return true; // exposed, but not from where it is served: taken, neither answered nor passed on
        }
        Conversation known = conversations.find(a.protocol(), a.remote(), a.service());
        if (known == null && !a.opens()) {
            return true;
        }
        Conversation c = known != null ? known
                : openFor(lb, a.protocol(), a.remote(), a.service(), a.service().port(), a.fromInside(), frame,
                        ctx.inPort());
        if (c != null) {
            resend(lb, c, ctx.inPort(), frame.bytes());
        }
        return true;
    }

    /** An unconfirmed conversation for a remote's first packet; null (logged, within limits) if refused. */
    private Conversation openFor(LinkedBorder lb, Protocol p, Endpoint remote, Endpoint service, int servicePort,
                                 boolean fromInside, EthernetFrame frame, OFPort inPort) {
        try {
            return open(lb, p, remote, service, servicePort, fromInside, fromInside ? frame.src() : null,
                    fromInside ? platform.hosts().hostPort(lb.border(), inPort) : null, false);
        } catch (IllegalStateException e) {
            long left = refusalLog.permit();
            if (left >= 0) {
                log.warn("event=service-refused remote={} reason=\"{}\" suppressed={}", remote, e.getMessage(),
                        left);
            }
            return null;
        }
    }

    private void resend(LinkedBorder lb, Conversation c, OFPort inPort, byte[] data) {
        conversations.installed(c).whenComplete((x, e) -> {
            if (e != null) {
                log.warn("event=service-install-failed alias={} error=\"{}\"", c.aliasPort(), e.toString());
                return;
            }
            packets.packetOut(lb.border().dpid(), inPort,
                    List.of(lb.border().factory().actions().output(OFPort.TABLE, 0)), data);
        });
    }

    private void fromLink(LinkedBorder lb, PacketContext ctx, EthernetFrame frame) {
        ArpPacket arp = frame.arp();
        if (arp != null) {
            if (arp.opcode() == ArpPacket.REQUEST && arp.targetIp().equals(link.aliasAddress())) {
                packets.packetOut(lb.border().dpid(), OFPort.CONTROLLER, List.of(lb.border().factory().actions()
                        .output(ctx.inPort(), 0)), Frames.arpReply(arp, link.aliasMac()));
            }
            return;
        }
        Ipv4Packet ip = frame.ipv4();
        if (ip == null || !ip.dst().equals(link.aliasAddress())) {
            return;
        }
        TransportPorts ports = TransportPorts.of(ip);
        Conversation c = ports == null ? null : conversations.byAlias(ports.protocol(), ports.dstPort());
        if (c != null) {
            resend(lb, c, ctx.inPort(), frame.bytes());
        }
    }

    @Override
    public void flowRemoved(Dpid dpid, OFFlowRemoved message) {
        if (AppCookies.app(message.getCookie()) != AppCookies.SERVICE
                || message.getReason() == OFFlowRemovedReason.DELETE) {
            return;
        }
        Protocol p = ServiceFlows.protocol(message.getCookie());
        if (p == null) {
            return;
        }
        Conversation c = conversations.byAlias(p, ServiceFlows.aliasPort(message.getCookie()));
        if (c != null) {
            long left = conversationLog.permit();
            if (left >= 0) {
                log.info("event=service-conversation-idle protocol={} remote={} alias={} suppressed={}", p.lower(),
                        c.remote(), c.aliasPort(), left);
            }
            close(c);
        }
    }

    /** Live conversations. */
    public List<Conversation> conversations() {
        return conversations.all();
    }
}
