package org.natflow.services.splice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Pipe#closeAfterWrites} over real loopback sockets: a slow reader still gets every queued byte. */
class PipeTest {

    private static final int BYTES = 32 << 20; // far more than the sockets' buffers hold

    private final EventLoopGroup group = new NioEventLoopGroup(2);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aConnectionClosedAfterItsWritesDeliversEveryQueuedByte() throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.complete(ch);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        AtomicLong received = new AtomicLong();
        CompletableFuture<Long> eof = new CompletableFuture<>();
        Channel reader = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        received.addAndGet(((ByteBuf) msg).readableBytes());
                        ((ByteBuf) msg).release();
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        eof.complete(received.get());
                    }
                })
                .connect(listener.localAddress()).sync().channel();
        Channel writer = accepted.get(5, TimeUnit.SECONDS);
        // On the writer's event loop, so the write has been queued (and flushed as far as it goes) when asked.
        boolean writable = writer.eventLoop().submit(() -> {
            writer.writeAndFlush(Unpooled.wrappedBuffer(new byte[BYTES]));
            return writer.isWritable();
        }).get(5, TimeUnit.SECONDS);
        assertThat(writable).as("the reader does not read yet: bytes wait in the writer's queue").isFalse();

        Pipe.closeAfterWrites(writer);
        reader.config().setAutoRead(true);

        assertThat(eof.get(20, TimeUnit.SECONDS)).as("bytes the reader got before the close").isEqualTo(BYTES);
        listener.close().sync();
    }
}
