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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.service.ServiceLink;

/**
 * One SOCKS5 UDP association (RFC 1928 section 7): the client's datagrams, stripped of their SOCKS header, leave
 * from one public UDP port of the client's pool address (from the port registry, like a mapping's), each
 * destination through a service-link conversation of its own; what destinations send back is wrapped in a
 * header naming them and goes to the client. It lives as long as the client's TCP connection that asked for it.
 * A header has to be added and taken off every datagram, which a switch cannot do: these datagrams pass through
 * natflow, unlike a UDP relay rule's.
 */
final class UdpAssociation {

    /** Destinations one association may send to (each takes an alias port on the link). */
    static final int MAX_DESTINATIONS = 64;

    private final Tunnel tunnel;
    private final ProxyClient client;
    private final Endpoint declared;
    private final Endpoint publicSide;
    private final ServiceLink link;
    private final Map<Endpoint, CompletableFuture<Endpoint>> destinations = new ConcurrentHashMap<>();
    private final Map<Integer, Endpoint> byAlias = new ConcurrentHashMap<>();
    private volatile Channel outside;
    private volatile Endpoint clientEndpoint;
    private volatile int clientAlias = -1;

    /**
     * @param declared where the client said it would send from (address 0 or port 0: not said)
     */
    UdpAssociation(Tunnel tunnel, ProxyClient client, Endpoint declared, Endpoint publicSide, ServiceLink link) {
        this.tunnel = tunnel;
        this.client = client;
        this.declared = declared;
        this.publicSide = publicSide;
        this.link = link;
    }

    /** Binds the outside socket on the link address; completes once it is bound. */
    CompletableFuture<UdpAssociation> bind(EventLoopGroup group, Channel relay) {
        CompletableFuture<UdpAssociation> out = new CompletableFuture<>();
        Bootstrap b = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        fromDestination(relay, p);
                    }
                });
        b.bind(new InetSocketAddress(link.config().serviceAddress().toString(), 0)).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                outside = f.channel();
                out.complete(this);
            } else {
                out.completeExceptionally(new RefusedException(Refusal.UNREACHABLE, "cannot bind on the service link: "
                        + f.cause().getMessage()));
            }
        });
        return out;
    }

    Tunnel tunnel() {
        return tunnel;
    }

    ProxyClient client() {
        return client;
    }

    Endpoint publicSide() {
        return publicSide;
    }

    /**
     * Whether a datagram from the client's inside endpoint {@code from} (through alias port {@code alias})
     * belongs to this association; the first that may binds it (RFC 1928: the relay drops datagrams from any
     * other source).
     */
    synchronized boolean claims(Endpoint from, int alias) {
        if (clientEndpoint != null) {
            return clientEndpoint.equals(from);
        }
        boolean addressOk = declared.address().getInt() == 0 || declared.address().equals(from.address());
        boolean portOk = declared.port() == 0 || declared.port() == from.port();
        if (!from.address().equals(client.inside().address()) || !addressOk || !portOk) {
            return false;
        }
        clientEndpoint = from;
        clientAlias = alias;
        return true;
    }

    /** Sends a client's datagram on to {@code remote} (already checked), opening its conversation if needed. */
    void send(Endpoint remote, ByteBuf data) {
        Channel o = outside;
        if (o == null) {
            data.release();
            return;
        }
        CompletableFuture<Endpoint> alias = destinations.get(remote);
        if (alias == null) {
            if (destinations.size() >= MAX_DESTINATIONS) {
                data.release();
                throw new RefusedException(Refusal.TUNNEL_LIMIT, "an association sends to at most "
                        + MAX_DESTINATIONS + " destinations");
            }
            int servicePort = ((InetSocketAddress) o.localAddress()).getPort();
            alias = destinations.computeIfAbsent(remote, r -> link.connect(client.dpid(), Protocol.UDP, publicSide, r,
                    servicePort).thenApply(a -> {
                        byAlias.put(a.port(), r);
                        return a;
                    }));
            CompletableFuture<Endpoint> opened = alias;
            alias.whenComplete((a, e) -> {
                if (e != null) {
                    destinations.remove(remote, opened); // the next datagram tries again
                }
            });
        }
        tunnel.bytesOut.addAndGet(data.readableBytes());
        alias.whenComplete((a, e) -> {
            if (e != null) {
                data.release();
                return;
            }
            o.writeAndFlush(new DatagramPacket(data, new InetSocketAddress(a.address().toString(), a.port())));
        });
    }

    private void fromDestination(Channel relay, DatagramPacket p) {
        Endpoint remote = byAlias.get(p.sender().getPort());
        int to = clientAlias;
        if (remote == null || to < 0) {
            return; // not a destination of ours: dropped
        }
        ByteBuf data = p.content();
        tunnel.bytesIn.addAndGet(data.readableBytes());
        ByteBuf out = relay.alloc().buffer(10 + data.readableBytes());
        SocksUdpHeader.write(out, remote);
        out.writeBytes(data);
        relay.writeAndFlush(new DatagramPacket(out, new InetSocketAddress(link.config().aliasAddress().toString(), to)));
    }

    /** Ends the association: its socket and conversations go. */
    void close() {
        Channel o = outside;
        if (o != null) {
            o.close();
        }
        for (Integer alias : byAlias.keySet()) {
            link.byAlias(Protocol.UDP, alias).ifPresent(link::close);
        }
        int c = clientAlias;
        if (c >= 0) {
            link.byAlias(Protocol.UDP, c).ifPresent(link::close);
        }
    }
}
