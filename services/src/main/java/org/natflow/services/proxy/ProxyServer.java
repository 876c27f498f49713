package org.natflow.services.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.natflow.apps.border.Borders;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.natflow.controller.api.LogLimiter;
import org.natflow.services.splice.OutsideConnector;
import org.natflow.services.splice.Pipe;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jump host: an HTTP proxy (CONNECT and absolute-form requests) and a SOCKS proxy (SOCKS5, SOCKS4 and 4a)
 * that inside hosts reach on the gateway address, served by natflow on its service-link address. Every
 * tunnel's outside connection leaves from the client's pool address with a port from the public-port registry
 * ({@link TunnelConnector}); the {@link ProxyPolicy} says who may go where.
 */
public final class ProxyServer {

    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
    private static final long REBIND_SECONDS = 2;

    private final ProxyConfig config;
    private final ServiceLink link;
    private final EventLoopGroup group;
    private final Clock clock;
    private final NameResolver resolver;
    private final TunnelConnector connector;
    private final Tunnels tunnels;
    private final UdpRelay udp;
    private final IPv4Address gatewayAddress;
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final ProxyAuthenticator authenticator = new ProxyAuthenticator();
    private final LogLimiter refusalLog = new LogLimiter(50, java.time.Duration.ofSeconds(10));
    private final List<Channel> listeners = new CopyOnWriteArrayList<>();
    private volatile ProxyPolicy policy;
    private volatile boolean stopped;

    /**
     * @param group the event loops for clients and outside connections; the server owns it from now on
     */
    public ProxyServer(ProxyConfig config, ProxyPolicy policy, Borders borders, ServiceLink link, PublicPorts ports,
                       MappingLog mappingLog, EventLoopGroup group, Clock clock) {
        this.config = config;
        this.policy = policy;
        this.link = link;
        this.group = group;
        this.clock = clock;
        this.resolver = config.resolver() == null ? NameResolver.none()
                : new LinkDnsResolver(link, ports, config.resolver(), group);
        this.connector = new TunnelConnector(borders, resolver, new OutsideConnector(borders, link, ports,
                mappingLog, group, clock));
        this.tunnels = new Tunnels(config.maxTunnels());
        this.udp = new UdpRelay(this, link, borders, ports, mappingLog, group, clock, config.socksPort());
        this.gatewayAddress = borders.gateway().gatewayAddress();
    }

    /** Exposes the proxies' ports on the gateway address and listens on the link address. */
    public void start() {
        link.exposeOnGateway(Protocol.TCP, config.httpPort());
        link.exposeOnGateway(Protocol.TCP, config.socksPort());
        udp.start();
        listen(config.httpPort(), ch -> {
            ProxyClient client = client(ch);
            if (client == null) {
                return;
            }
            ch.pipeline().addLast(new HttpServerCodec(ProxyConfig.MAX_HEAD_BYTES, ProxyConfig.MAX_HEAD_BYTES,
                    ProxyConfig.MAX_HEAD_BYTES), new HttpProxyHandler(this, client));
        });
        listen(config.socksPort(), ch -> {
            ProxyClient client = client(ch);
            if (client == null) {
                return;
            }
            ch.pipeline().addLast(new SocksVersionSwitch(this, client), new SocksProxyHandler(this, client));
        });
    }

    private void listen(int port, Consumer<SocketChannel> init) {
        if (stopped) {
            return;
        }
        InetSocketAddress at = new InetSocketAddress(link.config().serviceAddress().toString(), port);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true).option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true).childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        init.accept(ch);
                    }
                });
        b.bind(at).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                listeners.add(f.channel());
                if (stopped) {
                    f.channel().close();
                }
                log.info("event=proxy-listening at={} gateway-port={}", at, port);
            } else {
                // The link address appears when the link is set up; until then, keep trying.
                log.debug("proxy: bind {} failed ({}), retrying", at, f.cause().toString());
                group.schedule(() -> listen(port, init), REBIND_SECONDS, TimeUnit.SECONDS);
            }
        });
    }

    /** The inside client behind an accepted connection; null (and closed) if it did not come through the link. */
    private ProxyClient client(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        Conversation c = remote.getAddress().getHostAddress().equals(link.config().aliasAddress().toString())
                ? link.byAlias(Protocol.TCP, remote.getPort()).orElse(null) : null;
        if (c == null || !c.inside()) {
            refused(null, Refusal.NOT_ALLOWED, "a connection not from an inside host: " + remote);
            ch.close();
            return null;
        }
        link.confirm(Protocol.TCP, c.aliasPort()); // a completed handshake from an inside host
        // The last segments (FIN, ACK) are still on their way when the connection closes: translate them a while.
        ch.closeFuture().addListener(f -> group.schedule(() -> link.byAlias(Protocol.TCP, c.aliasPort())
                .filter(c::equals).ifPresent(link::close), TunnelConnector.LINGER_SECONDS, TimeUnit.SECONDS));
        return new ProxyClient(c.remote(), c.dpid(), c.aliasPort());
    }

    // ---- what the protocol handlers share ---------------------------------------------------------------------

    ProxyConfig config() {
        return config;
    }

    ProxyAuthenticator authenticator() {
        return authenticator;
    }

    TunnelConnector connector() {
        return connector;
    }

    UdpRelay udp() {
        return udp;
    }

    /** Where inside hosts reach the proxies (and send SOCKS UDP datagrams). */
    IPv4Address gatewayAddress() {
        return gatewayAddress;
    }

    /** The clock tunnels are timed by. */
    public Clock clock() {
        return clock;
    }

    /** Admits a tunnel for a client's request, or throws the {@link RefusedException} to answer with. */
    Tunnel admit(ProxyClient client, Tunnel.Kind kind, String user, String requested, Channel ch) {
        ProxyPolicy p = policy;
        if (!p.enabled()) {
            throw new RefusedException(Refusal.NOT_ALLOWED, "the proxies are switched off (policy)");
        }
        if (!p.admitsSource(client.inside().address())) {
            throw new RefusedException(Refusal.NOT_ALLOWED, client.inside().address() + " may not use the proxies");
        }
        return tunnels.admit(kind, client.inside(), user, requested, p.maxTunnelsPerHost(), clock.millis(), ch);
    }

    /** Counts and logs (within limits) a refused request. */
    void refused(ProxyClient client, Refusal reason, String message) {
        metrics.refused(reason).increment();
        long left = refusalLog.permit();
        if (left >= 0) {
            log.info("event=proxy-refused client={} reason={} detail=\"{}\" suppressed={}",
                    client == null ? "-" : client.inside(), reason.label(), TunnelConnector.printable(message), left);
        }
    }

    /** The outside connection is up after {@code nanos}: the tunnel starts. */
    void opened(Tunnel t, long nanos) {
        metrics.connected(nanos);
        log.info("event=proxy-tunnel-open id={} kind={} client={} user={} requested={} resolved={} public={}",
                t.id(), t.kind().label(), t.inside(), t.user() == null ? "-" : t.user(),
                TunnelConnector.printable(t.requested()), t.resolved(), t.publicSide());
        t.client().closeFuture().addListener(f -> {
            metrics.bytesOut.add(t.bytesOut());
            metrics.bytesIn.add(t.bytesIn());
            log.info("event=proxy-tunnel-closed id={} client={} public={} out={} in={} seconds={}", t.id(),
                    t.inside(), t.publicSide(), t.bytesOut(), t.bytesIn(),
                    (clock.millis() - t.startMillis()) / 1000);
        });
    }

    /**
     * Joins a client connection (its protocol handlers gone) and the tunnel's outside connection byte for byte;
     * either closing (what it sent still reaching the other), or nothing flowing either way for the policy's idle timeout, closes both. (The client
     * connection carries both directions, so its reads and writes tell whether anything flows.)
     */
    void splice(Tunnel t, Channel client, Channel outside) {
        closeWhenIdle(t, client);
        client.closeFuture().addListener(f -> Pipe.closeAfterWrites(outside));
        outside.closeFuture().addListener(f -> Pipe.closeAfterWrites(client));
        Pipe.join(client, t.bytesOut, outside, t.bytesIn);
    }

    /** Closes a tunnel once its client connection has carried nothing either way for the policy's idle timeout. */
    void closeWhenIdle(Tunnel t, Channel client) {
        client.pipeline().addFirst(new IdleStateHandler(0, 0, policy.idleTimeout().toSeconds(), TimeUnit.SECONDS),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                        if (evt instanceof IdleStateEvent) {
                            log.info("event=proxy-tunnel-idle id={}", t.id());
                            t.close();
                            return;
                        }
                        super.userEventTriggered(ctx, evt);
                    }
                });
    }

    // ---- operations -------------------------------------------------------------------------------------------

    /** The policy in force. */
    public ProxyPolicy policy() {
        return policy;
    }

    /** Puts a new policy in force for new tunnels (live ones keep going). */
    public void policy(ProxyPolicy p) {
        policy = p;
    }

    /** The open tunnels, oldest first. */
    public List<Tunnel> tunnels() {
        return tunnels.list();
    }

    /** The open tunnel {@code id}. */
    public Optional<Tunnel> tunnel(long id) {
        return tunnels.get(id);
    }

    /** Closes a tunnel; false if there is none by that id. */
    public boolean closeTunnel(long id) {
        Optional<Tunnel> t = tunnels.get(id);
        t.ifPresent(x -> {
            log.info("event=proxy-tunnel-deleted id={}", id);
            x.close();
        });
        return t.isPresent();
    }

    /** Open tunnels (cheap: what a metrics scrape reads). */
    public int tunnelCount() {
        return tunnels.size();
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Closes the listeners and every tunnel, and stops the event loops. */
    public void stop() {
        stopped = true;
        listeners.forEach(Channel::close);
        tunnels.closeAll();
        udp.stop();
        link.unexposeOnGateway(Protocol.TCP, config.httpPort());
        link.unexposeOnGateway(Protocol.TCP, config.socksPort());
        resolver.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
