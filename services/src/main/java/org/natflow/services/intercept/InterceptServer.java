package org.natflow.services.intercept;

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
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.intercept.InterceptTarget;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.natflow.controller.api.LogLimiter;
import org.natflow.services.splice.OutsideConnector;
import org.natflow.services.splice.OutsideFailure;
import org.natflow.services.splice.OutsideLeg;
import org.natflow.services.splice.OutsideRequest;
import org.natflow.services.splice.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transparent proxy's splicer, on the service link's address: each connection the border steered here is an
 * inside client's to the server it addressed (read from its service-link conversation, never guessed). The
 * splicer opens an outside connection to that server from the client's pool address, reads the name the client
 * asks for, applies the {@link InterceptPolicy}, and splices: back-pressure, half-close both ways, a reset passed
 * on as a reset, the idle timeout. One log line per connection when it ends.
 */
public final class InterceptServer implements InterceptTarget {

    private static final Logger log = LoggerFactory.getLogger(InterceptServer.class);
    private static final long REBIND_SECONDS = 2;

    private final InterceptConfig config;
    private final ServiceLink link;
    private final OutsideConnector connector;
    private final EventLoopGroup group;
    private final Clock clock;
    private final InterceptConnections connections;
    private final InterceptMetrics metrics = new InterceptMetrics();
    private final LogLimiter rejectLog = new LogLimiter(50, java.time.Duration.ofSeconds(10));
    private volatile InterceptPolicy policy;
    private volatile Channel listener;
    private volatile boolean stopped;

    /**
     * @param group the event loops for clients and outside connections; the server owns it from now on
     */
    public InterceptServer(InterceptConfig config, InterceptPolicy policy, ServiceLink link,
                           OutsideConnector connector, EventLoopGroup group, Clock clock) {
        this.config = config;
        this.policy = policy;
        this.link = link;
        this.connector = connector;
        this.group = group;
        this.clock = clock;
        this.connections = new InterceptConnections(config.maxConnections(), config.maxPerHost());
    }

    /** Listens on the link address (retrying until the address is there). */
    public void start() {
        if (stopped) {
            return;
        }
        InetSocketAddress at = new InetSocketAddress(link.config().serviceAddress().toString(), config.port());
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true).option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true).childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted(ch);
                    }
                })
                .bind(at).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        listener = f.channel();
                        if (stopped) {
                            f.channel().close();
                        }
                        log.info("event=intercept-listening at={}", at);
                    } else {
                        log.debug("intercept: bind {} failed ({}), retrying", at, f.cause().toString());
                        group.schedule(this::start, REBIND_SECONDS, TimeUnit.SECONDS);
                    }
                });
    }

    @Override
    public int port() {
        return config.port();
    }

    @Override
    public boolean ready() {
        Channel l = listener;
        return !stopped && l != null && l.isActive();
    }

    InterceptConfig config() {
        return config;
    }

    /** The domain policy now. */
    public InterceptPolicy policy() {
        return policy;
    }

    /** Replaces the domain policy; it applies to connections not yet decided. */
    public void setPolicy(InterceptPolicy policy) {
        this.policy = policy;
        log.info("event=intercept-policy allow={} deny={}", policy.allow().size(), policy.deny().size());
    }

    public InterceptMetrics metrics() {
        return metrics;
    }

    /** The open intercepted connections, oldest first. */
    public List<InterceptedConnection> connections() {
        return connections.list();
    }

    /** How many are open (without listing them). */
    public int connectionCount() {
        return connections.size();
    }

    public Optional<InterceptedConnection> connection(long id) {
        return connections.get(id);
    }

    /** Closes one connection (both sides); false if it is not open. */
    public boolean close(long id) {
        Optional<InterceptedConnection> c = connections.get(id);
        c.ifPresent(InterceptedConnection::close);
        return c.isPresent();
    }

    private void accepted(SocketChannel ch) {
        int aliasPort = ch.remoteAddress().getPort();
        Conversation c = link.byAlias(Protocol.TCP, aliasPort).orElse(null);
        if (c == null || !c.inside() || c.servicePort() != config.port()) {
            reject(ch, c == null ? "unknown" : c.remote().toString(), "no intercepted conversation");
            return;
        }
        InterceptedConnection conn = connections.admit(c.remote(), c.publicSide(), c.dpid(), clock.millis(), ch);
        if (conn == null) {
            reject(ch, c.remote().toString(), "too many intercepted connections (natflow.intercept.max-connections,"
                    + " max-per-host)");
            return;
        }
        link.confirm(Protocol.TCP, aliasPort); // a completed handshake of a host's own connection
        metrics.accepted.increment();
        // The last segments (FIN, ACK) are still on their way when the connection closes: translate them a while.
        ch.closeFuture().addListener(f -> {
            ended(conn);
            group.schedule(() -> link.byAlias(Protocol.TCP, aliasPort).filter(c::equals).ifPresent(link::close),
                    OutsideConnector.LINGER_SECONDS, TimeUnit.SECONDS);
        });
        ch.pipeline().addLast(new IdleStateHandler(0, 0, config.idleTimeout().toSeconds(), TimeUnit.SECONDS),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                        if (evt instanceof IdleStateEvent) {
                            conn.failed("idle");
                            conn.close();
                            return;
                        }
                        super.userEventTriggered(ctx, evt);
                    }
                },
                new NameSniffer(), new InterceptHandler(this, conn));
    }

    private void reject(SocketChannel ch, String client, String why) {
        metrics.rejected.increment();
        long left = rejectLog.permit();
        if (left >= 0) {
            log.warn("event=intercept-rejected client={} reason=\"{}\" suppressed={}", client, why, left);
        }
        InterceptHandler.reset(ch);
    }

    /** Opens a connection's outside leg, to its original destination from its client's pool address. */
    CompletableFuture<OutsideLeg> outside(InterceptedConnection conn) {
        return connector.connect(new OutsideRequest(conn.dpid(), conn.inside(), conn.server(), config.connectTimeout(),
                "intercept", conn.id()), new ChannelInboundHandlerAdapter());
    }

    void unreachable(InterceptedConnection conn, OutsideFailure f) {
        metrics.unreachable.increment();
    }

    void decided(InterceptedConnection conn, InterceptPolicy.Verdict v) {
        metrics.verdict(v).increment();
    }

    /**
     * Splices an allowed connection with its outside one: either closing closes the other once what it sent is
     * written; a reset on one is passed on as a reset.
     */
    void splice(InterceptedConnection conn, Channel client, Channel outside) {
        client.pipeline().addLast(new ResetRelay(outside));
        outside.pipeline().addLast(new ResetRelay(client));
        outside.closeFuture().addListener(f -> Pipe.closeAfterWrites(client));
        Pipe.join(client, conn.bytesOut, outside, conn.bytesIn);
    }

    private void ended(InterceptedConnection conn) {
        metrics.bytesOut.add(conn.bytesOut());
        metrics.bytesIn.add(conn.bytesIn());
        log.info("event=intercept-connection id={} client={} server={} public={} kind={} name={} verdict={} out={}"
                        + " in={} seconds={}{}", conn.id(), conn.inside(), conn.server(),
                conn.publicSide() == null ? "-" : conn.publicSide(), conn.kind(),
                conn.name() == null ? "-" : conn.name(), conn.verdict().label(), conn.bytesOut(), conn.bytesIn(),
                (clock.millis() - conn.startMillis()) / 1000,
                conn.outcome().isEmpty() ? "" : " outcome=\"" + conn.outcome() + "\"");
    }

    /** Stops listening and closes every connection. */
    public void stop() {
        stopped = true;
        Channel l = listener;
        if (l != null) {
            l.close();
        }
        connections.closeAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Passes a connection reset on to the other side as a reset; other errors close as usual. */
    private static final class ResetRelay extends ChannelInboundHandlerAdapter {
        private final Channel other;

        ResetRelay(Channel other) {
            this.other = other;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof IOException) {
                InterceptHandler.reset(other);
            }
            ctx.fireExceptionCaught(cause);
        }
    }
}
