package org.natflow.services.splice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One direction of a splice between two TCP connections: copies what one side reads to the other, pausing reads
 * while the other cannot keep up, and passes a half-close on (the splice ends when both sides have finished).
 * Add one to each side's pipeline, each pointing at the other; both sides need {@code ALLOW_HALF_CLOSURE}.
 */
public final class Pipe extends ChannelInboundHandlerAdapter {
    private final Channel to;
    private final AtomicLong counter;

    /**
     * @param to      the connection what this side reads goes to
     * @param counter counts the bytes read from this side
     */
    public Pipe(Channel to, AtomicLong counter) {
        this.to = to;
        this.counter = counter;
    }

    /**
     * Splices two connections: a pipe on each towards the other, reading switched on for both. Bytes read from
     * {@code a} count in {@code fromA}, from {@code b} in {@code fromB}.
     */
    public static void join(Channel a, AtomicLong fromA, Channel b, AtomicLong fromB) {
        a.pipeline().addLast(new Pipe(b, fromA));
        b.pipeline().addLast(new Pipe(a, fromB));
        a.config().setAutoRead(true);
        b.config().setAutoRead(true);
        a.read();
        b.read();
    }

    /** How long {@link #closeAfterWrites} waits for a peer to take what is queued before closing regardless. */
    public static final long CLOSE_GRACE_SECONDS = 10;

    /**
     * Closes a connection once what is already queued on it has been written (its partner went away: what the
     * partner sent before still reaches this peer), or after {@link #CLOSE_GRACE_SECONDS} if the peer does not
     * read it. {@link Channel#close()} alone would drop the queued bytes.
     */
    public static void closeAfterWrites(Channel ch) {
        if (!ch.isActive()) {
            ch.close();
            return;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ch.close());
        ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> ch.close(), CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
        ch.closeFuture().addListener(f -> deadline.cancel(false));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            counter.addAndGet(buf.readableBytes());
        }
        to.writeAndFlush(msg).addListener(f -> {
            if (!f.isSuccess()) {
                ctx.channel().close();
            }
        });
        if (!to.isWritable()) {
            ctx.channel().config().setAutoRead(false);
            Pipe other = to.pipeline().get(Pipe.class);
            other.resumeWhenWritable(ctx.channel());
            // The two sides may run on different event loops: if the other became writable before it
            // knew who waits, its writability event found nobody; look again so no wake-up is lost.
            if (to.isWritable()) {
                other.resume();
            }
        }
    }

    private final AtomicReference<Channel> paused = new AtomicReference<>();

    void resumeWhenWritable(Channel other) {
        paused.set(other);
    }

    void resume() {
        Channel p = paused.getAndSet(null);
        if (p != null) {
            p.config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            resume();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // This peer finished sending: once what it sent is written, pass its FIN on. The splice ends
            // when both have finished.
            Channel from = ctx.channel();
            to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f ->
                    ((SocketChannel) to).shutdownOutput().addListener(g -> {
                        if (((SocketChannel) to).isInputShutdown() && ((SocketChannel) from).isOutputShutdown()) {
                            from.close();
                            to.close();
                        }
                    }));
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
