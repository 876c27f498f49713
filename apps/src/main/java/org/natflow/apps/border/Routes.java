package org.natflow.apps.border;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How translated packets leave a border: next hops on the uplink resolved with ARP, and the route table that
 * sends each packet to its next hop's MAC (a host route per on-link destination, a default route via the
 * upstream gateway), installed when first needed. A packet that misses the route table comes here, is sent on
 * directly and its route installed ({@link Pipeline.Listener#ROUTES}).
 */
public final class Routes implements BorderApp, PacketListener {

    private static final Logger log = LoggerFactory.getLogger(Routes.class);
    private static final Object DEFAULT_ROUTE = new Object();

    private final GatewayConfig gateway;
    private final FlowService flows;
    private final PacketService packets;
    private final NextHopResolver resolver;
    private final Function<Dpid, Border> borders;
    private final Map<Dpid, Set<Object>> routes = new ConcurrentHashMap<>();

    Routes(GatewayConfig gateway, FlowService flows, PacketService packets, ScheduledExecutorService timer,
           Function<Dpid, Border> borders) {
        this.gateway = gateway;
        this.flows = flows;
        this.packets = packets;
        this.resolver = new NextHopResolver(gateway, packets, timer);
        this.borders = borders;
    }

    @Override
    public int cookieApp() {
        return AppCookies.BORDER;
    }

    @Override
    public void borderUp(Border b) {
        routes.put(b.dpid(), ConcurrentHashMap.newKeySet());
        flows.apply(b.dpid(), BorderFlows.routeTable(b.factory(), gateway.publicNetwork()));
        ensure(b, gateway.upstreamGateway()).exceptionally(e -> {
            log.warn("event=nat-upstream-unresolved dpid={} gateway={} error=\"{}\"", b.dpid(),
                    gateway.upstreamGateway(), e.getMessage());
            return null;
        });
    }

    @Override
    public void borderDown(Border b) {
        routes.remove(b.dpid());
        resolver.clear(b.dpid());
    }

    /** The MAC of the next hop towards a public destination on a border's uplink (cached, or asked with ARP). */
    public CompletableFuture<MacAddress> nextHopMac(Border b, IPv4Address dst) {
        return resolver.resolve(b, gateway.nextHop(dst));
    }

    /** Makes sure the route table can deliver to {@code dst}: resolves the next hop and installs its route. */
    public CompletableFuture<Void> ensure(Border b, IPv4Address dst) {
        IPv4Address hop = gateway.nextHop(dst);
        Object key = hop.equals(gateway.upstreamGateway()) ? DEFAULT_ROUTE : hop;
        Set<Object> installed = routes.get(b.dpid());
        if (installed == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("border " + b.dpid() + " gone"));
        }
        if (installed.contains(key)) {
            return CompletableFuture.completedFuture(null);
        }
        return resolver.resolve(b, hop)
                .thenCompose(mac -> flows.apply(b.dpid(), List.of(BorderFlows.route(b.factory(), b.uplink(),
                        key == DEFAULT_ROUTE ? null : hop, mac))))
                .thenAccept(r -> {
                    if (r.ok()) {
                        installed.add(key);
                        log.info("event=nat-route dpid={} to={} via={}", b.dpid(),
                                key == DEFAULT_ROUTE ? "default" : hop, hop);
                    }
                });
    }

    /** Sends a translated frame out of the uplink to the next hop for {@code dst}, with the gateway's MAC. */
    public void sendOut(Border b, IPv4Address dst, byte[] frame) {
        nextHopMac(b, dst).thenAccept(mac ->
                packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(b.uplink(), 0)),
                        Frames.withMacs(frame, gateway.outsideMac(), mac)));
    }

    /** Records a neighbour seen on a border's uplink and completes whoever waits for it. */
    void learn(Dpid dpid, IPv4Address ip, MacAddress mac) {
        resolver.learn(dpid, ip, mac);
    }

    /** A translated packet found no route: its next hop is resolved, its route installed, and it is delivered. */
    @Override
    public boolean onPacket(PacketContext ctx) {
        Border b = ctx.tableId().equals(Pipeline.Table.ROUTE.id()) ? borders.apply(ctx.dpid()) : null;
        if (b == null || ctx.inPort().equals(b.uplink())) {
            return false;
        }
        Ipv4Packet ip = ctx.frame().ipv4();
        if (ip == null) {
            return true;
        }
        // Already translated: deliver it directly (re-entering the tables would not match it again).
        byte[] data = ctx.frame().bytes();
        ensure(b, ip.dst()).exceptionally(e -> null);
        sendOut(b, ip.dst(), data);
        return true;
    }
}
