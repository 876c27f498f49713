package org.natflow.services.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Endpoint;
import org.natflow.services.splice.OutsideConnector;
import org.natflow.services.splice.OutsideRequest;
import org.xbill.DNS.Message;

/**
 * Asks an upstream resolver over TCP (RFC 7766: a UDP answer that came truncated, larger than the 4 096 bytes
 * natflow asks for, is asked again over TCP). Each question is one connection from a public port of the asking
 * inside host's (its quota and pool address, the mapping log as {@code dns-upstream-tcp}), through the service
 * link, closed once the answer is read; it must connect and answer within {@link #TIMEOUT}.
 */
final class TcpUpstream {

    /** How long the resolver may take to accept the connection, and then to answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The mapping log's name for these connections' ports. */
    static final String HOLDER = "dns-upstream-tcp";

    private final OutsideConnector connector;
    private final AtomicLong ids = new AtomicLong();

    TcpUpstream(OutsideConnector connector) {
        this.connector = connector;
    }

    /** Completes with the resolver's answer to {@code query}, or fails (refused, timed out, closed, unreadable). */
    CompletableFuture<Message> ask(DnsAsker asker, Endpoint server, Message query) {
        CompletableFuture<Message> answer = new CompletableFuture<>();
        byte[] wire = query.toWire();
        ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ReadTimeoutHandler(TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                        new LengthFieldBasedFrameDecoder(65_535, 0, 2, 0, 2), new LengthFieldPrepender(2),
                        new SimpleChannelInboundHandler<ByteBuf>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                Message m = DnsForwarder.read(ByteBufUtil.getBytes(msg));
                                if (m != null) {
                                    answer.complete(m);
                                } else {
                                    answer.completeExceptionally(new IOException(server + " sent an unreadable answer"));
                                }
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                answer.completeExceptionally(new IOException(server + " closed before answering"));
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                answer.completeExceptionally(cause);
                                ctx.close();
                            }
                        });
            }
        };
        connector.connect(new OutsideRequest(asker.dpid(), asker.client(), server, TIMEOUT, HOLDER,
                ids.incrementAndGet()), pipeline).whenComplete((leg, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(OutsideConnector.rootCause(e));
                        return;
                    }
                    leg.channel().config().setAutoRead(true);
                    leg.channel().writeAndFlush(Unpooled.wrappedBuffer(wire));
                });
        return answer;
    }
}
