package org.natflow.services.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.socksx.SocksMessage;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthStatus;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.natflow.apps.ports.Endpoint;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The SOCKS proxy for one client connection, behind Netty's SOCKS decoders (which
 * {@link SocksVersionSwitch} picks by version): SOCKS5 (RFC 1928)
 * with no authentication or username/password (RFC 1929) when the policy has users, CONNECT to IPv4 addresses
 * and names, and UDP ASSOCIATE ({@link UdpRelay}); SOCKS4 and 4a CONNECT when the policy has no users (SOCKS4
 * carries no password). BIND is not served. Every refusal gets its reply code.
 */
final class SocksProxyHandler extends ChannelInboundHandlerAdapter {

    private final ProxyServer server;
    private final ProxyClient client;
    private HeadTimeout headTimeout;
    private String user;
    private boolean connecting;
    /** What the client sent after its request, before the reply (reading is off meanwhile: a little at most). */
    private final Queue<ByteBuf> early = new ArrayDeque<>();

    SocksProxyHandler(ProxyServer server, ProxyClient client) {
        this.server = server;
        this.client = client;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        headTimeout = new HeadTimeout(ctx.channel(), server.config().headerTimeout(), () -> {
            if (!connecting) {
                server.refused(client, Refusal.HEADER_TIMEOUT, "SOCKS handshake not complete in time");
                ctx.close();
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof ByteBuf bytes && connecting) {
                early.add(bytes.retain());
            } else if (msg instanceof Socks5CommandRequest r && r.decoderResult().isFailure()) {
                // A request with an address type RFC 1928 does not define is answered 08; other garbage 01.
                String why = String.valueOf(r.decoderResult().cause().getMessage());
                headTimeout.done();
                refuse5(ctx, new RefusedException(why.contains("address type") ? Refusal.UNSUPPORTED_ADDRESS
                        : Refusal.MALFORMED, why));
            } else if (msg instanceof DecoderResultProvider d && d.decoderResult().isFailure()) {
                malformed(ctx, String.valueOf(d.decoderResult().cause().getMessage()));
            } else if (msg instanceof Socks5InitialRequest r) {
                initial(ctx, r);
            } else if (msg instanceof Socks5PasswordAuthRequest r) {
                password(ctx, r);
            } else if (msg instanceof Socks5CommandRequest r) {
                command5(ctx, r);
            } else if (msg instanceof Socks4CommandRequest r) {
                command4(ctx, r);
            } else if (!(msg instanceof ByteBuf) && msg instanceof SocksMessage) {
                malformed(ctx, "unexpected " + msg.getClass().getSimpleName());
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void malformed(ChannelHandlerContext ctx, String detail) {
        server.refused(client, Refusal.MALFORMED, detail);
        ctx.close();
    }

    // ---- SOCKS5 -----------------------------------------------------------------------------------------------

    private void initial(ChannelHandlerContext ctx, Socks5InitialRequest r) {
        Socks5AuthMethod wanted = server.policy().authenticates() ? Socks5AuthMethod.PASSWORD
                : Socks5AuthMethod.NO_AUTH;
        if (!r.authMethods().contains(wanted)) {
            server.refused(client, Refusal.AUTHENTICATION, "no acceptable authentication method offered");
            ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.pipeline().addBefore(ctx.name(), "socks5-next", wanted == Socks5AuthMethod.PASSWORD
                ? new Socks5PasswordAuthRequestDecoder() : new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(wanted));
    }

    private void password(ChannelHandlerContext ctx, Socks5PasswordAuthRequest r) {
        if (!server.authenticator().verify(server.policy(), r.username(), r.password())) {
            server.refused(client, Refusal.AUTHENTICATION, "wrong credentials for " + r.username());
            ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.FAILURE))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        user = r.username();
        ctx.pipeline().addBefore(ctx.name(), "socks5-command", new Socks5CommandRequestDecoder());
        ctx.writeAndFlush(new DefaultSocks5PasswordAuthResponse(Socks5PasswordAuthStatus.SUCCESS));
    }

    private void command5(ChannelHandlerContext ctx, Socks5CommandRequest r) {
        headTimeout.done();
        if (r.dstAddrType().equals(Socks5AddressType.IPv6)) {
            refuse5(ctx, new RefusedException(Refusal.UNSUPPORTED_ADDRESS, "IPv6 destinations are not served"));
            return;
        }
        if (r.type().equals(Socks5CommandType.UDP_ASSOCIATE)) {
            associate(ctx, r);
            return;
        }
        if (!r.type().equals(Socks5CommandType.CONNECT)) {
            refuse5(ctx, new RefusedException(Refusal.UNSUPPORTED_COMMAND, r.type() + " is not served"));
            return;
        }
        open(ctx, Tunnel.Kind.SOCKS5, r.dstAddr(), r.dstPort(), true);
    }

    /**
     * UDP ASSOCIATE: the reply names where to send datagrams (the SOCKS port, over UDP, on the gateway address);
     * the association lives while this connection does, which carries nothing more.
     */
    private void associate(ChannelHandlerContext ctx, Socks5CommandRequest r) {
        // The client says where it will send from; a name there cannot be its own address: only the port counts.
        Endpoint declared = new Endpoint(r.dstAddrType().equals(Socks5AddressType.IPv4)
                ? IPv4Address.of(r.dstAddr()) : IPv4Address.NONE, r.dstPort());
        Tunnel t;
        try {
            t = server.admit(client, Tunnel.Kind.SOCKS5_UDP, user, "udp from " + declared, ctx.channel());
        } catch (RefusedException e) {
            refuse5(ctx, e);
            return;
        }
        connecting = true;
        long start = System.nanoTime();
        server.udp().associate(t, client, declared, ctx.channel()).whenComplete((a, e) -> ctx.executor().execute(() -> {
            if (e != null) {
                Throwable cause = TunnelConnector.rootCause(e);
                refuse5(ctx, cause instanceof RefusedException x ? x
                        : new RefusedException(Refusal.UNREACHABLE, String.valueOf(cause)));
                return;
            }
            server.opened(t, System.nanoTime() - start);
            ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, Socks5AddressType.IPv4,
                    server.gatewayAddress().toString(), server.config().socksPort()));
            removeCodec(ctx);
            early.forEach(ByteBuf::release);
            early.clear();
            ctx.pipeline().replace(this, "socks5-udp-control", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    ReferenceCountUtil.release(msg); // RFC 1928: nothing more is said on this connection
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext c, Object evt) {
                    if (evt instanceof ChannelInputShutdownEvent) {
                        c.close(); // the client is done: so is its association
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
                    c.close();
                }
            });
        }));
    }

    private void refuse5(ChannelHandlerContext ctx, RefusedException e) {
        server.refused(client, e.refusal(), e.getMessage());
        ctx.writeAndFlush(new DefaultSocks5CommandResponse(e.refusal().socks(), Socks5AddressType.IPv4))
                .addListener(ChannelFutureListener.CLOSE);
    }

    // ---- SOCKS4 and 4a ----------------------------------------------------------------------------------------

    private void command4(ChannelHandlerContext ctx, Socks4CommandRequest r) {
        headTimeout.done();
        if (server.policy().authenticates()) {
            refuse4(ctx, new RefusedException(Refusal.AUTHENTICATION, "SOCKS4 has no passwords: use SOCKS5"));
            return;
        }
        if (!r.type().equals(Socks4CommandType.CONNECT)) {
            refuse4(ctx, new RefusedException(Refusal.UNSUPPORTED_COMMAND, r.type() + " is not served"));
            return;
        }
        open(ctx, Tunnel.Kind.SOCKS4, r.dstAddr(), r.dstPort(), false);
    }

    private void refuse4(ChannelHandlerContext ctx, RefusedException e) {
        server.refused(client, e.refusal(), e.getMessage());
        ctx.writeAndFlush(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED))
                .addListener(ChannelFutureListener.CLOSE);
    }

    // ---- both -------------------------------------------------------------------------------------------------

    private void open(ChannelHandlerContext ctx, Tunnel.Kind kind, String host, int port, boolean v5) {
        Tunnel t;
        try {
            if (port < 1) {
                throw new RefusedException(Refusal.MALFORMED, "port 0");
            }
            t = server.admit(client, kind, user, host + ":" + port, ctx.channel());
        } catch (RefusedException e) {
            refuse(ctx, e, v5);
            return;
        }
        connecting = true;
        ctx.channel().config().setAutoRead(false);
        long start = System.nanoTime();
        server.connector().open(t, client.dpid(), host, port, server.policy(), new ChannelInboundHandlerAdapter())
                .whenComplete((ch, e) -> ctx.executor().execute(() -> {
                    if (e != null) {
                        Throwable cause = TunnelConnector.rootCause(e);
                        refuse(ctx, cause instanceof RefusedException r ? r
                                : new RefusedException(Refusal.UNREACHABLE, String.valueOf(cause)), v5);
                        return;
                    }
                    if (!ctx.channel().isActive()) {
                        ch.close();
                        return;
                    }
                    server.opened(t, System.nanoTime() - start);
                    if (v5) {
                        ctx.writeAndFlush(new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS,
                                Socks5AddressType.IPv4, t.publicSide().address().toString(), t.publicSide().port()));
                    } else {
                        ctx.writeAndFlush(new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS,
                                t.resolved().address().toString(), t.resolved().port()));
                    }
                    // The reply is encoded: the codec goes, and what the client sends next is the tunnel's.
                    removeCodec(ctx);
                    for (ByteBuf b; (b = early.poll()) != null; ) {
                        t.bytesOut.addAndGet(b.readableBytes());
                        ch.write(b);
                    }
                    ch.flush();
                    ctx.pipeline().remove(this);
                    server.splice(t, ctx.channel(), ch);
                }));
    }

    private void refuse(ChannelHandlerContext ctx, RefusedException e, boolean v5) {
        early.forEach(ByteBuf::release);
        early.clear();
        if (v5) {
            refuse5(ctx, e);
        } else {
            refuse4(ctx, e);
        }
    }

    private static void removeCodec(ChannelHandlerContext ctx) {
        for (Class<? extends ChannelHandler> c : List.of(Socks5ServerEncoder.class, Socks5InitialRequestDecoder.class,
                Socks5PasswordAuthRequestDecoder.class, Socks5CommandRequestDecoder.class, Socks4ServerEncoder.class,
                Socks4ServerDecoder.class)) {
            if (ctx.pipeline().get(c) != null) {
                ctx.pipeline().remove(c);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ByteBuf::release);
        early.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
