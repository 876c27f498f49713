package org.natflow.services.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SOCKS5 UDP relay: clients send their datagrams (with the RFC 1928 header) to the SOCKS port, over UDP, on
 * the gateway address; each belongs to the association of its client's inside address ({@link UdpAssociation}),
 * which sends it on. Datagrams of no association, fragments, malformed headers and destinations the policy or
 * natflow refuses are dropped and counted.
 */
final class UdpRelay {

    // Under the server's name: operators follow (and tune the level of) one logger for the proxies.
    private static final Logger log = LoggerFactory.getLogger("org.natflow.services.proxy.ProxyServer");
    private static final long REBIND_SECONDS = 2;

    private final ProxyServer server;
    private final ServiceLink link;
    private final Borders borders;
    private final PublicPorts ports;
    private final MappingLog mappingLog;
    private final EventLoopGroup group;
    private final Clock clock;
    private final int port;
    private final Map<IPv4Address, List<UdpAssociation>> byHost = new ConcurrentHashMap<>();
    private volatile Channel relay;
    private volatile boolean stopped;

    UdpRelay(ProxyServer server, ServiceLink link, Borders borders, PublicPorts ports, MappingLog mappingLog,
             EventLoopGroup group, Clock clock, int port) {
        this.server = server;
        this.link = link;
        this.borders = borders;
        this.ports = ports;
        this.mappingLog = mappingLog;
        this.group = group;
        this.clock = clock;
        this.port = port;
    }

    void start() {
        link.exposeOnGateway(Protocol.UDP, port);
        bind();
    }

    private void bind() {
        if (stopped) {
            return;
        }
        InetSocketAddress at = new InetSocketAddress(link.config().serviceAddress().toString(), port);
        new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        fromClient(p);
                    }
                }).bind(at).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        relay = f.channel();
                        log.info("event=proxy-udp-listening at={}", at);
                    } else {
                        group.schedule(this::bind, REBIND_SECONDS, TimeUnit.SECONDS);
                    }
                });
    }

    /**
     * A new association for a client's UDP ASSOCIATE: a public UDP port of the client's pool address and a socket
     * on the link; it ends when {@code control} (the client's TCP connection) closes.
     */
    CompletableFuture<UdpAssociation> associate(Tunnel t, ProxyClient client, Endpoint declared, Channel control) {
        Channel r = relay;
        Border b = borders.border(client.dpid());
        if (r == null || b == null) {
            return CompletableFuture.failedFuture(new RefusedException(Refusal.UNREACHABLE,
                    "the UDP relay is not ready"));
        }
        Endpoint pub;
        try {
            pub = ports.allocate(Protocol.UDP, client.inside().address(), b.addresses());
        } catch (AllocationException e) {
            mappingLog.refused(e, Protocol.UDP, client.inside().address(), b.dpid().value());
            return CompletableFuture.failedFuture(new RefusedException(Refusal.NO_PORT, e.getMessage()));
        }
        UdpAssociation a = new UdpAssociation(t, client, declared, pub, link);
        long start = clock.millis();
        return a.bind(group, r).whenComplete((x, e) -> {
            if (e != null) {
                ports.release(Protocol.UDP, client.inside().address(), pub);
                return;
            }
            t.publicSide(pub);
            byHost.computeIfAbsent(client.inside().address(), h -> new CopyOnWriteArrayList<>()).add(a);
            mappingLog.portUsed("proxy-udp", t.id(), Protocol.UDP, client.inside(), pub, null, b.dpid().value(),
                    start);
            control.closeFuture().addListener(f -> {
                byHost.computeIfPresent(client.inside().address(), (h, l) -> {
                    l.remove(a);
                    return l.isEmpty() ? null : l;
                });
                a.close();
                ports.release(Protocol.UDP, client.inside().address(), pub);
                mappingLog.portReleased("proxy-udp", t.id(), Protocol.UDP, client.inside(), pub, null,
                        b.dpid().value(), start, "closed");
            });
        });
    }

    private void fromClient(DatagramPacket p) {
        Conversation c = link.byAlias(Protocol.UDP, p.sender().getPort()).orElse(null);
        if (c == null || !c.inside()) {
            return;
        }
        UdpAssociation a = null;
        for (UdpAssociation candidate : byHost.getOrDefault(c.remote().address(), List.of())) {
            if (candidate.claims(c.remote(), c.aliasPort())) {
                a = candidate;
                break;
            }
        }
        if (a == null) {
            server.refused(null, Refusal.NOT_ALLOWED, "a datagram from " + c.remote() + " of no association");
            return;
        }
        link.confirm(Protocol.UDP, c.aliasPort());
        ByteBuf in = p.content();
        SocksUdpHeader h = SocksUdpHeader.read(in);
        if (h == null) {
            server.refused(a.client(), Refusal.MALFORMED, "a malformed or fragmented SOCKS datagram");
            return;
        }
        UdpAssociation association = a;
        ByteBuf data = in.retainedSlice();
        server.connector().address(h.host()).thenAccept(addr -> {
            Endpoint remote = new Endpoint(addr, h.port());
            server.connector().check(remote, server.policy());
            association.send(remote, data);
        }).exceptionally(e -> {
            if (data.refCnt() > 0) {
                data.release();
            }
            Throwable cause = TunnelConnector.rootCause(e);
            if (cause instanceof RefusedException r) {
                server.refused(association.client(), r.refusal(), r.getMessage());
            }
            return null;
        });
    }

    void stop() {
        stopped = true;
        Channel r = relay;
        if (r != null) {
            r.close();
        }
        link.unexposeOnGateway(Protocol.UDP, port);
    }
}
