package org.natflow.services.splice;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.service.ServiceLink;

/**
 * Opens outside connections for inside hosts: takes a public port for the host from the registry every mapping
 * comes from (its quota, its paired pool address), and connects from natflow's link address through a
 * service-link conversation, so the server sees the pool address and port. When the connection ends, the
 * conversation and the port are given back a little later (the last segments are still on their way), and the
 * RFC 6888 mapping log records the port's use.
 */
public final class OutsideConnector {

    /** The conversation and port outlive the connection by this long, for its last FIN and ACK. */
    public static final long LINGER_SECONDS = 10;

    private final Borders borders;
    private final ServiceLink link;
    private final PublicPorts ports;
    private final MappingLog mappingLog;
    private final EventLoopGroup group;
    private final Clock clock;

    public OutsideConnector(Borders borders, ServiceLink link, PublicPorts ports, MappingLog mappingLog,
                            EventLoopGroup group, Clock clock) {
        this.borders = borders;
        this.link = link;
        this.ports = ports;
        this.mappingLog = mappingLog;
        this.group = group;
        this.clock = clock;
    }

    /**
     * Connects; completes with the connection (reading off, half-closure allowed) or fails with an
     * {@link OutsideFailure}.
     *
     * @param handler the connection's handler (its initializer)
     */
    public CompletableFuture<OutsideLeg> connect(OutsideRequest r, ChannelHandler handler) {
        Border b = borders.border(r.dpid());
        if (b == null) {
            return CompletableFuture.failedFuture(new OutsideFailure(OutsideFailure.Reason.NO_BORDER,
                    "the client's border " + r.dpid() + " is not up"));
        }
        Endpoint pub;
        try {
            pub = ports.allocate(Protocol.TCP, r.inside().address(), b.addresses());
        } catch (AllocationException e) {
            mappingLog.refused(e, Protocol.TCP, r.inside().address(), r.dpid().value());
            return CompletableFuture.failedFuture(new OutsideFailure(OutsideFailure.Reason.NO_PORT, e.getMessage()));
        }
        CompletableFuture<OutsideLeg> out = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false).option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) r.connectTimeout().toMillis())
                .handler(handler).register().channel();
        long start = clock.millis();
        ch.bind(new InetSocketAddress(link.config().serviceAddress().toString(), 0)).addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                failed(out, ch, r, pub, new OutsideFailure(OutsideFailure.Reason.NO_LINK,
                        "cannot bind on the service link: " + bound.cause().getMessage()));
                return;
            }
            int servicePort = ((InetSocketAddress) ch.localAddress()).getPort();
            link.connect(r.dpid(), Protocol.TCP, pub, r.remote(), servicePort).whenComplete((alias, e) -> {
                if (e != null) {
                    failed(out, ch, r, pub, new OutsideFailure(OutsideFailure.Reason.NO_LINK, "no conversation for "
                            + r.remote() + ": " + rootCause(e).getMessage()));
                    return;
                }
                ch.connect(new InetSocketAddress(alias.address().toString(), alias.port())).addListener(
                        (ChannelFuture connected) -> {
                            if (!connected.isSuccess()) {
                                link.byAlias(Protocol.TCP, alias.port()).ifPresent(link::close);
                                failed(out, ch, r, pub, classify(r, connected.cause()));
                                return;
                            }
                            link.confirm(Protocol.TCP, alias.port());
                            mappingLog.portUsed(r.holder(), r.id(), Protocol.TCP, r.inside(), pub, r.remote(),
                                    r.dpid().value(), start);
                            ch.closeFuture().addListener(f -> group.schedule(() -> {
                                link.byAlias(Protocol.TCP, alias.port()).ifPresent(link::close);
                                ports.release(Protocol.TCP, r.inside().address(), pub);
                                mappingLog.portReleased(r.holder(), r.id(), Protocol.TCP, r.inside(), pub,
                                        r.remote(), r.dpid().value(), start, "closed");
                            }, LINGER_SECONDS, TimeUnit.SECONDS));
                            out.complete(new OutsideLeg(ch, pub));
                        });
            });
        });
        return out;
    }

    private void failed(CompletableFuture<OutsideLeg> out, Channel ch, OutsideRequest r, Endpoint pub,
                        OutsideFailure e) {
        ch.close();
        ports.release(Protocol.TCP, r.inside().address(), pub);
        out.completeExceptionally(e);
    }

    private static OutsideFailure classify(OutsideRequest r, Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return new OutsideFailure(OutsideFailure.Reason.TIMED_OUT, r.remote() + " did not answer within "
                    + r.connectTimeout().toSeconds() + " s");
        }
        if (cause instanceof ConnectException) {
            return new OutsideFailure(OutsideFailure.Reason.REFUSED, r.remote() + " refused the connection");
        }
        return new OutsideFailure(OutsideFailure.Reason.UNREACHABLE, r.remote() + " cannot be reached: "
                + cause.getMessage());
    }

    /** The exception under a future's wrapping. */
    public static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
