package org.natflow.services.intercept;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.natflow.services.splice.OutsideConnector;
import org.natflow.services.splice.OutsideFailure;
import org.natflow.services.splice.OutsideLeg;
import org.natflow.services.splice.Pipe;

/**
 * One intercepted connection until it is spliced: the outside connection is opened at once (in parallel with
 * reading the client's first bytes); the bytes are held until the sniffers name the server (or the client has
 * sent nothing within the sniff timeout: a protocol where the server speaks first); then the policy decides.
 * Allowed, the held bytes go to the server and the two connections are spliced; denied, a plaintext HTTP client
 * gets {@code 403}, a TLS client an {@code access_denied} alert, and the server nothing.
 */
final class InterceptHandler extends ChannelInboundHandlerAdapter {

    /** A TLS alert record (RFC 8446 6): fatal, access_denied (49), in a TLS 1.0 record header any client reads. */
    private static final byte[] TLS_ACCESS_DENIED = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x31};
    /** How long a client that started a message has to finish naming its server. */
    static final long HEAD_TIMEOUT_SECONDS = 10;

    private final InterceptServer server;
    private final InterceptedConnection conn;
    private final Queue<ByteBuf> held = new ArrayDeque<>();
    private boolean clientFinished;
    private Sniffed sniffed;
    private OutsideLeg outside;
    private boolean outsideSettled;
    private boolean done;
    private ScheduledFuture<?> sniffTimer;

    InterceptHandler(InterceptServer server, InterceptedConnection conn) {
        this.server = server;
        this.conn = conn;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel client = ctx.channel();
        sniffTimer = ctx.executor().schedule(() -> sniffTimedOut(ctx), server.config().sniffTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        client.closeFuture().addListener(f -> {
            sniffTimer.cancel(false);
            Channel o = conn.outside();
            if (o != null) {
                Pipe.closeAfterWrites(o);
            }
        });
        server.outside(conn).whenComplete((leg, e) -> ctx.executor().execute(() -> {
            outsideSettled = true;
            if (e != null) {
                OutsideFailure f = OutsideConnector.rootCause(e) instanceof OutsideFailure o ? o : null;
                conn.failed(f == null ? String.valueOf(OutsideConnector.rootCause(e)) : f.getMessage());
                server.unreachable(conn, f);
                reset(client);
                return;
            }
            conn.outside(leg.channel(), leg.publicSide());
            if (!client.isActive()) {
                leg.channel().close();
                return;
            }
            outside = leg;
            decide(ctx);
        }));
        ctx.fireChannelActive();
    }

    private void sniffTimedOut(ChannelHandlerContext ctx) {
        if (sniffed != null || !ctx.channel().isActive()) {
            return;
        }
        if (started(ctx) && System.currentTimeMillis() - conn.startMillis()
                < TimeUnit.SECONDS.toMillis(HEAD_TIMEOUT_SECONDS)) {
            sniffTimer = ctx.executor().schedule(() -> sniffTimedOut(ctx), 1, TimeUnit.SECONDS);
            return;
        }
        unnamed(ctx);
    }

    /** Whether the client has sent anything yet. */
    private boolean started(ChannelHandlerContext ctx) {
        NameSniffer first = ctx.pipeline().get(NameSniffer.class);
        return !held.isEmpty() || ctx.pipeline().get(HttpHostSniffer.class) != null
                || first != null && first.started();
    }

    /** Nothing named the server: the sniffers step aside (what they read comes on), and the policy decides unnamed. */
    private void unnamed(ChannelHandlerContext ctx) {
        if (sniffed != null) {
            return;
        }
        sniffed = new Sniffed(Sniffed.Kind.OTHER, null, started(ctx));
        conn.named(sniffed);
        ctx.channel().config().setAutoRead(false);
        NameSniffer first = ctx.pipeline().get(NameSniffer.class);
        if (first != null) {
            ctx.pipeline().remove(first);
        }
        HttpHostSniffer http = ctx.pipeline().get(HttpHostSniffer.class);
        if (http != null) {
            ctx.pipeline().remove(http);
        }
        decide(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof Sniffed s && sniffed == null) {
            sniffed = s;
            conn.named(s);
            ctx.channel().config().setAutoRead(false); // the server is named: nothing more until it is decided
            // The sniffer hands its bytes on as it steps aside, after this event: decide once they are in.
            ctx.executor().execute(() -> decide(ctx));
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            clientFinished = true;
            // The client sent all it will (a sniffer that could name its server has done so by now).
            ctx.executor().execute(() -> unnamed(ctx));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (done || !(msg instanceof ByteBuf buf)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        held.add(buf);
        if (held.stream().mapToInt(ByteBuf::readableBytes).sum() > 4 * InterceptConfig.MAX_SNIFF_BYTES) {
            ctx.channel().config().setAutoRead(false); // past the sniffers' bound: wait for the decision
        }
    }

    private void decide(ChannelHandlerContext ctx) {
        if (done || sniffed == null || !outsideSettled || outside == null || !ctx.channel().isActive()) {
            return;
        }
        done = true;
        sniffTimer.cancel(false);
        InterceptPolicy policy = server.policy();
        InterceptPolicy.Verdict v = sniffed.unreadable() && !policy.equals(InterceptPolicy.defaults())
                ? InterceptPolicy.Verdict.DENIED : policy.verdict(sniffed.name());
        conn.decided(v);
        server.decided(conn, v);
        Channel client = ctx.channel();
        Channel out = outside.channel();
        if (v == InterceptPolicy.Verdict.DENIED) {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
            out.close(); // the server got nothing
            deny(client);
            return;
        }
        for (ByteBuf b; (b = held.poll()) != null; ) {
            conn.bytesOut.addAndGet(b.readableBytes());
            out.write(b);
        }
        out.flush();
        ctx.pipeline().remove(this);
        server.splice(conn, client, out);
        if (clientFinished) {
            out.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ((SocketChannel) out).shutdownOutput());
        }
    }

    private void deny(Channel client) {
        if (sniffed.kind() == Sniffed.Kind.TLS) {
            client.writeAndFlush(Unpooled.wrappedBuffer(TLS_ACCESS_DENIED)).addListener(ChannelFutureListener.CLOSE);
        } else if (sniffed.kind() == Sniffed.Kind.HTTP) {
            String body = "natflow: " + (sniffed.name() == null ? "this request" : sniffed.name())
                    + " is not allowed here\n";
            String head = "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n";
            client.writeAndFlush(Unpooled.copiedBuffer(head + body, StandardCharsets.UTF_8))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            reset(client);
        }
    }

    /** Closes with a reset (SO_LINGER 0), as a server that refused would. */
    static void reset(Channel ch) {
        if (ch.isActive()) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        }
        ch.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
