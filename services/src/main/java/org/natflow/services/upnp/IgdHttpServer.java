package org.natflow.services.upnp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.natflow.apps.portmap.IgdIdentity;
import org.natflow.apps.portmap.PortMappings;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.natflow.controller.api.KeyedTokenBuckets;
import org.natflow.controller.api.NamedThreads;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * natflow's UPnP Internet Gateway Device over HTTP on the gateway address (over the service link): the device
 * and service descriptions (GET) and SOAP control (POST), for inside hosts only. Bounded: 16 connections per
 * host and 1 024 in all (more are closed at once), a request line of 1 KiB, 8 KiB of headers, a body of 16 KiB,
 * 10 s to send a request, {@code requestsPerHost} actions a second per host (beyond: 503). Actions run on a worker of their own (mappings are stored), at most 256 waiting.
 */
public final class IgdHttpServer {

    private static final Logger log = LoggerFactory.getLogger(IgdHttpServer.class);
    private static final int MAX_BODY = 16 * 1024;
    /** Connections one inside host may hold open at once (control points use one or two). */
    static final int CONNECTIONS_PER_HOST = 16;
    /** Connections of all hosts together. */
    static final int CONNECTIONS = 1024;

    private final ServiceLink link;
    private final IgdIdentity identity;
    private final IgdControl control;
    private final EventLoopGroup group;
    private final KeyedTokenBuckets<IPv4Address> rates;
    private final ExecutorService worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(256), new NamedThreads("natflow-upnp"));
    private final java.util.Map<IPv4Address, Integer> open = new java.util.HashMap<>();
    private int openTotal;
    private volatile Channel server;
    private volatile boolean stopped;
    /** Actions answered (success or UPnP error). */
    public final AtomicLong actions = new AtomicLong();
    /** Requests refused: too large, over the rate, malformed, or from no inside host. */
    public final AtomicLong refused = new AtomicLong();

    /**
     * @param group           the event loops of its sockets; the server owns it from now on
     * @param connected       whether the gateway has an uplink now
     * @param requestsPerHost actions a second one inside host may ask for
     */
    public IgdHttpServer(ServiceLink link, PortMappings mappings, IgdIdentity identity, EventLoopGroup group,
                         Clock clock, BooleanSupplier connected, int requestsPerHost) {
        this.link = link;
        this.identity = identity;
        this.control = new IgdControl(mappings, clock, connected);
        this.group = group;
        this.rates = new KeyedTokenBuckets<>(requestsPerHost, 2.0 * requestsPerHost, 65_536, requestsPerHost,
                2.0 * requestsPerHost, System.nanoTime());
    }

    /** Exposes the port on the gateway address and listens on the link address (retrying until it is there). */
    public void start() {
        link.exposeOnGateway(Protocol.TCP, identity.httpPort());
        bind();
    }

    private void bind() {
        if (stopped) {
            return;
        }
        String at = link.config().serviceAddress().toString();
        new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accept(ch);
                    }
                }).bind(new InetSocketAddress(at, identity.httpPort())).addListener((ChannelFuture f) -> {
                    if (f.isSuccess()) {
                        server = f.channel();
                        log.info("event=upnp-listening at={}:{} location={}", at, identity.httpPort(),
                                identity.location());
                    } else {
                        group.schedule(this::bind, 1, TimeUnit.SECONDS); // the link's address is not up yet
                    }
                });
    }

    private void accept(SocketChannel ch) {
        int aliasPort = ch.remoteAddress().getPort();
        Optional<Conversation> c = link.byAlias(Protocol.TCP, aliasPort);
        if (c.isEmpty() || !c.get().inside()) {
            refused.incrementAndGet();
            ch.close();
            return;
        }
        IPv4Address host = c.get().remote().address();
        if (!admit(host)) {
            refused.incrementAndGet();
            link.close(c.get());
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> release(host));
        link.confirm(Protocol.TCP, aliasPort);
        ch.pipeline().addLast(new ReadTimeoutHandler(10), new HttpServerCodec(1024, 8192, 8192),
                new HttpObjectAggregator(MAX_BODY), new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                        request(ctx, req, host);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
    }

    /** Takes one of the host's connections, if it has one left (and the server does). */
    private synchronized boolean admit(IPv4Address host) {
        int mine = open.getOrDefault(host, 0);
        if (mine >= CONNECTIONS_PER_HOST || openTotal >= CONNECTIONS) {
            return false;
        }
        open.put(host, mine + 1);
        openTotal++;
        return true;
    }

    private synchronized void release(IPv4Address host) {
        open.computeIfPresent(host, (h, n) -> n <= 1 ? null : n - 1);
        openTotal--;
    }

    private void request(ChannelHandlerContext ctx, FullHttpRequest req, IPv4Address host) {
        if (!req.decoderResult().isSuccess()) {
            refused.incrementAndGet();
            send(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request\n");
            return;
        }
        String path = req.uri().contains("?") ? req.uri().substring(0, req.uri().indexOf('?')) : req.uri();
        if (req.method().equals(HttpMethod.GET)) {
            if (path.equals("/rootDesc.xml")) {
                send(ctx, req, HttpResponseStatus.OK, "text/xml; charset=\"utf-8\"", IgdDocuments.root(identity));
            } else {
                Optional<IgdService> s = IgdDocuments.byScpd(path);
                if (s.isPresent()) {
                    send(ctx, req, HttpResponseStatus.OK, "text/xml; charset=\"utf-8\"", s.get().scpd());
                } else {
                    send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
                }
            }
            return;
        }
        if (!req.method().equals(HttpMethod.POST)) {
            send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET or POST\n");
            return;
        }
        Optional<IgdService> service = IgdDocuments.byControl(path);
        if (service.isEmpty()) {
            send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
            return;
        }
        if (!rates.take(host, System.nanoTime())) {
            refused.incrementAndGet();
            send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "too many requests\n");
            return;
        }
        Optional<SoapCall> call = SoapCall.parse(ByteBufUtil.getBytes(req.content()));
        if (call.isEmpty()) {
            refused.incrementAndGet();
            send(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, "text/xml; charset=\"utf-8\"",
                    SoapReplies.fault(UpnpError.INVALID_ACTION));
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpVersion version = req.protocolVersion();
        try {
            worker.execute(() -> {
                IgdControl.Answer a;
                try {
                    a = control.handle(service.get(), call.get(), host);
                } catch (RuntimeException e) {
                    log.warn("event=upnp-action-failed host={} action={} error=\"{}\"", host, call.get().action(),
                            e.toString());
                    a = new IgdControl.Answer(500, SoapReplies.fault(UpnpError.ACTION_FAILED));
                }
                actions.incrementAndGet();
                log.debug("event=upnp-action host={} action={} status={}", host, call.get().action(), a.status());
                IgdControl.Answer answer = a;
                ctx.executor().execute(() -> send(ctx, version, keepAlive,
                        HttpResponseStatus.valueOf(answer.status()), "text/xml; charset=\"utf-8\"", answer.xml()));
            });
        } catch (RejectedExecutionException e) {
            send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "busy\n");
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type,
                             String body) {
        send(ctx, req.protocolVersion(), HttpUtil.isKeepAlive(req), status, type, body);
    }

    private static void send(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
                             HttpResponseStatus status, String type, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(version, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).set(HttpHeaderNames.SERVER, "Linux UPnP/2.0 natflow/1.0")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Closes the sockets and stops answering. */
    public void stop() {
        stopped = true;
        worker.shutdownNow();
        link.unexposeOnGateway(Protocol.TCP, identity.httpPort());
        Channel s = server;
        if (s != null) {
            s.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
