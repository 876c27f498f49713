package org.natflow.services.relay;

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
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.relay.RelayRule;
import org.natflow.apps.relay.TcpRelay;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.natflow.services.splice.Pipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP relay legs, terminated on natflow's service-link address: each leg listens on its public port number;
 * the first connection to each leg (from an allowed source) is held until the other leg has one, then the two
 * are spliced byte for byte, with back-pressure. When either side closes, both close and the legs take new
 * peers. A second connection to a busy leg is refused (closed).
 */
public final class TcpSplicer implements TcpRelay {

    private static final Logger log = LoggerFactory.getLogger(TcpSplicer.class);
    private static final long REBIND_SECONDS = 2;
    private static final long LINGER_SECONDS = 10;

    private final ServiceLink link;
    private final EventLoopGroup group;
    private final Map<Long, Splice> splices = new ConcurrentHashMap<>();

    /** One rule's listeners and connections; guarded by its monitor. */
    private final class Splice {
        final RelayRule rule;
        final Channel[] listeners = new Channel[2];
        final Channel[] connections = new Channel[2];
        final Endpoint[] peers = new Endpoint[2];
        final AtomicLong[] bytes = {new AtomicLong(), new AtomicLong()};
        volatile boolean closed;

        Splice(RelayRule rule) {
            this.rule = rule;
        }
    }

    public TcpSplicer(ServiceLink link, EventLoopGroup group) {
        this.link = link;
        this.group = group;
    }

    @Override
    public void open(RelayRule rule) {
        Splice s = new Splice(rule);
        splices.put(rule.id(), s);
        for (int leg = 0; leg < 2; leg++) {
            link.expose(Protocol.TCP, rule.publicAddress(), rule.legs().get(leg).publicPort());
            bind(s, leg);
        }
    }

    private void bind(Splice s, int leg) {
        if (s.closed) {
            return;
        }
        int port = s.rule.legs().get(leg).publicPort();
        InetSocketAddress at = new InetSocketAddress(link.config().serviceAddress().toString(), port);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted(s, leg, ch);
                    }
                });
        b.bind(at).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                synchronized (s) {
                    if (s.closed) {
                        f.channel().close();
                        return;
                    }
                    s.listeners[leg] = f.channel();
                }
                log.info("event=relay-tcp-listening id={} leg={} at={}", s.rule.id(), leg, at);
            } else {
                // The link address appears when the link is set up; until then, keep trying.
                log.debug("relay {} leg {}: bind {} failed ({}), retrying", s.rule.id(), leg, at, f.cause().toString());
                group.schedule(() -> bind(s, leg), REBIND_SECONDS, TimeUnit.SECONDS);
            }
        });
    }

    private void accepted(Splice s, int leg, SocketChannel ch) {
        int aliasPort = ch.remoteAddress().getPort();
        Conversation c = link.byAlias(Protocol.TCP, aliasPort).orElse(null);
        Channel other;
        synchronized (s) {
            if (c == null || s.closed || !s.rule.legs().get(leg).admits(c.remote().address())
                    || s.connections[leg] != null) {
                log.info("event=relay-tcp-refused id={} leg={} peer={}", s.rule.id(), leg,
                        c == null ? "unknown" : c.remote());
                ch.close();
                return;
            }
            s.connections[leg] = ch;
            s.peers[leg] = c.remote();
            link.confirm(Protocol.TCP, aliasPort); // a completed handshake, accepted on its leg
            other = s.connections[1 - leg];
            log.info("event=relay-bound id={} leg={} peer={}", s.rule.id(), leg, c.remote());
        }
        ch.closeFuture().addListener(f -> ended(s, leg, ch));
        // A leg silent for the rule's idle timeout (waiting for its partner, or spliced with nothing flowing
        // either way) is closed, so a peer that connects and says nothing cannot hold the leg for ever.
        ch.pipeline().addFirst(new IdleStateHandler(0, 0, s.rule.idleTimeout(), TimeUnit.SECONDS),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                        if (evt instanceof IdleStateEvent) {
                            log.info("event=relay-released id={} leg={} peer={} reason=idle", s.rule.id(), leg,
                                    c.remote());
                            ctx.close();
                            return;
                        }
                        super.userEventTriggered(ctx, evt);
                    }
                });
        if (other != null) {
            join(s, leg, ch, 1 - leg, other);
        }
    }

    private void join(Splice s, int legA, Channel a, int legB, Channel b) {
        Pipe.join(a, s.bytes[legA], b, s.bytes[legB]);
        log.info("event=relay-active id={} peers={}<->{}", s.rule.id(), s.peers[0], s.peers[1]);
    }

    private void ended(Splice s, int leg, Channel ch) {
        Channel other;
        synchronized (s) {
            if (s.connections[leg] != ch) {
                return;
            }
            s.connections[leg] = null;
            s.peers[leg] = null;
            other = s.connections[1 - leg];
        }
        if (other != null) {
            Pipe.closeAfterWrites(other);
        }
        // The last segments (FIN, ACK) are still on their way: the switch keeps translating them a little longer.
        link.byAlias(Protocol.TCP, ((InetSocketAddress) ch.remoteAddress()).getPort()).ifPresent(c ->
                group.schedule(() -> link.close(c), LINGER_SECONDS, TimeUnit.SECONDS));
    }

    @Override
    public void close(long ruleId) {
        Splice s = splices.remove(ruleId);
        if (s == null) {
            return;
        }
        synchronized (s) {
            s.closed = true;
            for (int i = 0; i < 2; i++) {
                if (s.listeners[i] != null) {
                    s.listeners[i].close();
                }
                if (s.connections[i] != null) {
                    s.connections[i].close();
                }
            }
        }
        for (int leg = 0; leg < 2; leg++) {
            link.unexpose(Protocol.TCP, s.rule.publicAddress(), s.rule.legs().get(leg).publicPort());
        }
    }

    @Override
    public Endpoint peer(long ruleId, int leg) {
        Splice s = splices.get(ruleId);
        if (s == null) {
            return null;
        }
        synchronized (s) {
            return s.peers[leg];
        }
    }

    @Override
    public long bytesFrom(long ruleId, int leg) {
        Splice s = splices.get(ruleId);
        return s == null ? 0 : s.bytes[leg].get();
    }

    /** Closes every rule and stops the event loop it was given (the splicer owns it). */
    public void shutdown() {
        splices.keySet().forEach(this::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
