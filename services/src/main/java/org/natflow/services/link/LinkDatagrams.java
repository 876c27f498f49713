package org.natflow.services.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A UDP socket on the service link's address: bound on {@code loop}, retried every 2 s while the address is not
 * there yet (it appears with the link), until {@code stopped}; each datagram handed to {@code received} on the
 * loop.
 */
public final class LinkDatagrams {

    private LinkDatagrams() {
    }

    /**
     * Binds, retrying; {@code bound} gets the channel once it is.
     *
     * @param address the link address, dotted
     */
    public static void bind(EventLoop loop, String address, int port, Consumer<DatagramPacket> received,
                            Consumer<Channel> bound, BooleanSupplier stopped) {
        if (stopped.getAsBoolean()) {
            return;
        }
        new Bootstrap().group(loop).channel(NioDatagramChannel.class).handler(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                received.accept(p);
            }
        }).bind(new InetSocketAddress(address, port)).addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                loop.schedule(() -> bind(loop, address, port, received, bound, stopped), 2, TimeUnit.SECONDS);
                return;
            }
            bound.accept(f.channel());
        });
    }
}
