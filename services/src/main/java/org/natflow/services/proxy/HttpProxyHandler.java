package org.natflow.services.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.natflow.services.splice.Pipe;

/**
 * The HTTP proxy for one client connection (after Netty's {@link HttpServerCodec}): {@code CONNECT host:port}
 * (RFC 9110 9.3.6) answered {@code 200} and then a raw tunnel; absolute-form requests for {@code http://} URLs
 * sent on to the origin in origin form, hop-by-hop headers (RFC 9110 7.6.1) dropped both ways, one request per
 * connection ({@code Connection: close}). Credentials come in {@code Proxy-Authorization: Basic} when the policy
 * has users. Every refusal is a proper status and a close.
 */
final class HttpProxyHandler extends ChannelInboundHandlerAdapter {

    private static final String VIA = "1.1 natflow";

    private enum State { HEAD, CONNECTING, FORWARDING, DONE }

    private final ProxyServer server;
    private final ProxyClient client;
    private HeadTimeout headTimeout;
    private volatile State state = State.HEAD;
    private Channel outside;
    private Tunnel tunnel;
    private boolean responseStarted;
    /** Request body parts read before the origin connection was up (reading is off meanwhile: a few at most). */
    private final Queue<HttpContent> early = new ArrayDeque<>();

    HttpProxyHandler(ProxyServer server, ProxyClient client) {
        this.server = server;
        this.client = client;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        headTimeout = new HeadTimeout(ctx.channel(), server.config().headerTimeout(), () -> {
            if (state == State.HEAD) {
                refuse(ctx, new RefusedException(Refusal.HEADER_TIMEOUT, "request head not complete within "
                        + server.config().headerTimeout().toMillis() + " ms"));
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req && state == State.HEAD) {
            headTimeout.done();
            try {
                request(ctx, req);
            } catch (RefusedException e) {
                refuse(ctx, e);
            }
            if (!(msg instanceof HttpContent)) {
                return;
            }
        }
        if (msg instanceof HttpContent content && (state == State.CONNECTING || state == State.FORWARDING)) {
            if (state == State.CONNECTING) {
                early.add(content);
            } else {
                sendOn(ctx, content);
            }
            return;
        }
        ReferenceCountUtil.release(msg); // after a refusal, or past the one request a connection carries
    }

    private void request(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            throw new RefusedException(cause instanceof TooLongFrameException ? Refusal.TOO_LARGE : Refusal.MALFORMED,
                    String.valueOf(cause.getMessage()));
        }
        String user = authenticate(req);
        if (req.method().equals(HttpMethod.CONNECT)) {
            connect(ctx, req, user);
        } else {
            forward(ctx, req, user);
        }
    }

    /** The user the request authenticates, or null when the policy has none; refused otherwise. */
    private String authenticate(HttpRequest req) {
        ProxyPolicy policy = server.policy();
        if (!policy.authenticates()) {
            return null;
        }
        String header = req.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0 && server.authenticator().verify(policy, pair.substring(0, colon),
                        pair.substring(colon + 1))) {
                    return pair.substring(0, colon);
                }
            } catch (IllegalArgumentException e) {
                // not base64: refused below
            }
            throw new RefusedException(Refusal.AUTHENTICATION, "wrong credentials");
        }
        throw new RefusedException(Refusal.AUTHENTICATION, "credentials required");
    }

    // ---- CONNECT ----------------------------------------------------------------------------------------------

    private void connect(ChannelHandlerContext ctx, HttpRequest req, String user) {
        String authority = req.uri();
        int colon = authority.lastIndexOf(':');
        if (authority.startsWith("[")) {
            throw new RefusedException(Refusal.UNSUPPORTED_ADDRESS, "IPv6 destinations are not served");
        }
        int port = colon < 1 ? -1 : port(authority.substring(colon + 1));
        if (port < 0) {
            throw new RefusedException(Refusal.MALFORMED, "CONNECT needs host:port, not '" + authority + "'");
        }
        if (!server.policy().admitsConnectPort(port)) {
            throw new RefusedException(Refusal.NOT_ALLOWED, "CONNECT to port " + port + " is not allowed");
        }
        String host = authority.substring(0, colon);
        Tunnel t = server.admit(client, Tunnel.Kind.HTTP_CONNECT, user, host + ":" + port, ctx.channel());
        state = State.CONNECTING;
        ctx.channel().config().setAutoRead(false);
        whenOpen(ctx, t, () -> server.connector().open(t, client.dpid(), host, port, server.policy(),
                new ChannelInboundHandlerAdapter()), ch -> {
                    state = State.DONE;
                    early.forEach(ReferenceCountUtil::release); // a CONNECT has no body
                    early.clear();
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            new HttpResponseStatus(200, "Connection established")));
                    // The response is encoded: the codec goes, and what the client sends next is the tunnel's.
                    ctx.pipeline().remove(HttpServerCodec.class);
                    ctx.pipeline().remove(this);
                    server.splice(t, ctx.channel(), ch);
                });
    }

    /**
     * When the tunnel's outside connection is up, on the client's event loop: the refusal if it failed, nothing
     * if the client left meanwhile (the connection closes), else the tunnel opens and {@code then} runs.
     */
    private void whenOpen(ChannelHandlerContext ctx, Tunnel t, Supplier<CompletableFuture<Channel>> open,
                          Consumer<Channel> then) {
        long start = System.nanoTime();
        open.get().whenComplete((ch, e) -> ctx.executor().execute(() -> {
            if (e != null) {
                refuse(ctx, refusal(e));
                return;
            }
            if (!ctx.channel().isActive()) {
                ch.close();
                return;
            }
            server.opened(t, System.nanoTime() - start);
            then.accept(ch);
        }));
    }

    private static int port(String text) {
        try {
            int p = Integer.parseInt(text);
            return p >= 1 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---- absolute-form requests -------------------------------------------------------------------------------

    private void forward(ChannelHandlerContext ctx, HttpRequest req, String user) {
        URI uri;
        try {
            uri = new URI(req.uri());
        } catch (URISyntaxException e) {
            throw new RefusedException(Refusal.MALFORMED, "not a URI: " + req.uri());
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            throw new RefusedException(Refusal.MALFORMED, "a proxy request needs an absolute URI, not " + req.uri());
        }
        if (!uri.getScheme().equalsIgnoreCase("http")) {
            throw new RefusedException(Refusal.UNSUPPORTED_COMMAND, uri.getScheme()
                    + " URLs are not fetched: use CONNECT");
        }
        String host = uri.getHost();
        if (host == null || uri.getUserInfo() != null) {
            throw new RefusedException(Refusal.MALFORMED, "no host in " + req.uri());
        }
        if (host.startsWith("[")) {
            throw new RefusedException(Refusal.UNSUPPORTED_ADDRESS, "IPv6 destinations are not served");
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        Tunnel t = server.admit(client, Tunnel.Kind.HTTP_FORWARD, user, host + ":" + port, ctx.channel());
        state = State.CONNECTING;
        ctx.channel().config().setAutoRead(false);
        Channel clientChannel = ctx.channel();
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(ProxyConfig.MAX_HEAD_BYTES, ProxyConfig.MAX_HEAD_BYTES,
                        ProxyConfig.MAX_HEAD_BYTES), new ResponseRelay(clientChannel, t));
            }
        };
        whenOpen(ctx, t, () -> server.connector().open(t, client.dpid(), host, port, server.policy(), init), ch -> {
                    server.closeWhenIdle(t, ctx.channel());
                    outside = ch;
                    tunnel = t;
                    state = State.FORWARDING;
                    // The origin gone: the client gets what it sent so far (a complete response closes by itself).
                    ch.closeFuture().addListener(f -> Pipe.closeAfterWrites(clientChannel));
                    req.setUri(path);
                    dropHopByHop(req.headers());
                    req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    req.headers().add(HttpHeaderNames.VIA, VIA);
                    ch.write(req);
                    for (HttpContent c; (c = early.poll()) != null; ) {
                        sendOn(ctx, c);
                    }
                    ch.flush();
                    ch.config().setAutoRead(true);
                    ch.read();
                    ctx.channel().config().setAutoRead(true);
                    ctx.read();
                });
    }

    /** A part of the request body, on to the origin; reading pauses while the origin cannot take more. */
    private void sendOn(ChannelHandlerContext ctx, HttpContent content) {
        if (outside == null) {
            content.release();
            return;
        }
        tunnel.bytesOut.addAndGet(content.content().readableBytes());
        outside.writeAndFlush(content);
        pauseWhileFull(ctx.channel(), outside);
    }

    /**
     * Stops reading {@code from} while {@code to} cannot take more; {@code to}'s writability turns it on again
     * (the two may be on different event loops: look again after pausing, so no wake-up is lost).
     */
    private static void pauseWhileFull(Channel from, Channel to) {
        if (!to.isWritable()) {
            from.config().setAutoRead(false);
            if (to.isWritable()) {
                from.config().setAutoRead(true);
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && outside != null && state == State.FORWARDING) {
            outside.config().setAutoRead(true); // the response had paused for the client
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Connection-specific headers (RFC 9110 7.6.1): those {@code Connection} names, and the usual ones. */
    static void dropHopByHop(HttpHeaders h) {
        for (String listed : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String name : listed.split(",")) {
                if (!name.isBlank() && !name.trim().equalsIgnoreCase(HttpHeaderNames.TRANSFER_ENCODING.toString())) {
                    h.remove(name.trim());
                }
            }
        }
        h.remove(HttpHeaderNames.CONNECTION);
        h.remove("Proxy-Connection");
        h.remove(HttpHeaderNames.KEEP_ALIVE);
        h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        h.remove(HttpHeaderNames.UPGRADE);
        // Transfer-Encoding stays: the body is passed on in the framing it came in, which the encoder needs.
    }

    /** The origin's response, back to the client; the client connection closes after it. */
    private final class ResponseRelay extends ChannelInboundHandlerAdapter {
        private final Channel to;
        private final Tunnel tunnel;

        ResponseRelay(Channel to, Tunnel tunnel) {
            this.to = to;
            this.tunnel = tunnel;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpResponse r) {
                responseStarted = true;
                dropHopByHop(r.headers());
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                r.headers().add(HttpHeaderNames.VIA, VIA);
            }
            if (msg instanceof HttpContent c) {
                tunnel.bytesIn.addAndGet(c.content().readableBytes());
            }
            boolean last = msg instanceof LastHttpContent;
            to.writeAndFlush(msg).addListener(last ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
            if (last) {
                ctx.close();
            } else {
                pauseWhileFull(ctx.channel(), to);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && state == State.FORWARDING) {
                to.config().setAutoRead(true); // the request body had paused for the origin
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!responseStarted && to.isActive()) {
                refuse(to.pipeline().context(HttpProxyHandler.this),
                        new RefusedException(Refusal.UNREACHABLE, "the origin closed without answering"));
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    // ---- refusals ---------------------------------------------------------------------------------------------

    private static RefusedException refusal(Throwable e) {
        Throwable t = TunnelConnector.rootCause(e);
        return t instanceof RefusedException r ? r : new RefusedException(Refusal.UNREACHABLE, String.valueOf(t));
    }

    /** Answers a refusal with its status and closes the connection. */
    private void refuse(ChannelHandlerContext ctx, RefusedException e) {
        if (ctx == null) {
            return;
        }
        state = State.DONE;
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        server.refused(client, e.refusal(), e.getMessage());
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            return;
        }
        ByteBuf body = Unpooled.copiedBuffer(e.getMessage() + "\n", StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, e.refusal().http(), body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (e.refusal() == Refusal.AUTHENTICATION) {
            r.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"natflow\"");
        }
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
