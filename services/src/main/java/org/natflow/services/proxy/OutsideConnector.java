package org.natflow.services.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NetUtil;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.ForbiddenTargets;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.service.ServiceLink;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Opens a tunnel's outside connection: resolves and checks the destination, takes a public port for the
 * client's inside host from the registry every mapping comes from (its quota, its paired pool address), and
 * connects from natflow's link address through a service-link conversation, so the server sees the pool
 * address and port. When the connection ends, the conversation and the port are given back a little later
 * (the last segments are still on their way), and the RFC 6888 mapping log records the port's use.
 */
final class OutsideConnector {

    /** The conversation and port outlive the connection by this long, for its last FIN and ACK. */
    static final long LINGER_SECONDS = 10;
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\\.?");

    private final Borders borders;
    private final ServiceLink link;
    private final PublicPorts ports;
    private final NameResolver resolver;
    private final MappingLog mappingLog;
    private final EventLoopGroup group;
    private final Clock clock;

    OutsideConnector(Borders borders, ServiceLink link, PublicPorts ports, NameResolver resolver,
                     MappingLog mappingLog, EventLoopGroup group, Clock clock) {
        this.borders = borders;
        this.link = link;
        this.ports = ports;
        this.resolver = resolver;
        this.mappingLog = mappingLog;
        this.group = group;
        this.clock = clock;
    }

    /** The address of a destination as a client wrote it: an IPv4 literal, or a name resolved. */
    CompletableFuture<IPv4Address> address(String host) {
        if (NetUtil.isValidIpV4Address(host)) {
            return CompletableFuture.completedFuture(IPv4Address.of(host));
        }
        if (NetUtil.isValidIpV6Address(host)) {
            return CompletableFuture.failedFuture(new RefusedException(Refusal.UNSUPPORTED_ADDRESS,
                    "IPv6 destinations are not served: " + host));
        }
        if (!HOST_NAME.matcher(host).matches()) {
            return CompletableFuture.failedFuture(new RefusedException(Refusal.UNRESOLVED, "not a host name: '"
                    + printable(host) + "'"));
        }
        return resolver.resolve(host);
    }

    /**
     * Resolves, checks and connects a tunnel's destination; completes with the outside channel (reading off, not
     * yet spliced) or fails with a {@link RefusedException}.
     *
     * @param handler the outside channel's handler (its initializer)
     */
    CompletableFuture<Channel> open(Tunnel t, Dpid dpid, String host, int port, ProxyPolicy policy,
                                    ChannelHandler handler) {
        return address(host).thenCompose(a -> {
            Endpoint remote = new Endpoint(a, port);
            t.resolved(remote);
            check(remote, policy);
            return connect(t, dpid, remote, policy, handler);
        });
    }

    /** Refuses ({@link Refusal#NOT_ALLOWED}) a destination natflow never reaches, or the policy does not allow. */
    void check(Endpoint remote, ProxyPolicy policy) {
        if (ForbiddenTargets.always(borders.gateway(), remote.address())
                || !policy.admitsDestination(remote.address(), remote.port())) {
            throw new RefusedException(Refusal.NOT_ALLOWED, remote + " is not allowed");
        }
    }

    private CompletableFuture<Channel> connect(Tunnel t, Dpid dpid, Endpoint remote, ProxyPolicy policy,
                                               ChannelHandler handler) {
        Border b = borders.border(dpid);
        if (b == null) {
            throw new RefusedException(Refusal.UNREACHABLE, "the client's border " + dpid + " is not up");
        }
        Endpoint pub;
        try {
            pub = ports.allocate(Protocol.TCP, t.inside().address(), b.addresses());
        } catch (AllocationException e) {
            throw new RefusedException(Refusal.NO_PORT, e.getMessage());
        }
        CompletableFuture<Channel> out = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false).option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) policy.connectTimeout().toMillis())
                .handler(handler);
        Channel ch = bootstrap.register().channel();
        long start = clock.millis();
        ch.bind(new InetSocketAddress(link.config().serviceAddress().toString(), 0)).addListener((ChannelFuture bound) -> {
            if (!bound.isSuccess()) {
                failed(out, ch, t, pub, new RefusedException(Refusal.UNREACHABLE, "cannot bind on the service link: "
                        + bound.cause().getMessage()));
                return;
            }
            int servicePort = ((InetSocketAddress) ch.localAddress()).getPort();
            link.connect(dpid, Protocol.TCP, pub, remote, servicePort).whenComplete((alias, e) -> {
                if (e != null) {
                    failed(out, ch, t, pub, new RefusedException(Refusal.UNREACHABLE, "no conversation for "
                            + remote + ": " + rootCause(e).getMessage()));
                    return;
                }
                ch.connect(new InetSocketAddress(alias.address().toString(), alias.port())).addListener(
                        (ChannelFuture connected) -> {
                            if (!connected.isSuccess()) {
                                link.byAlias(Protocol.TCP, alias.port()).ifPresent(link::close);
                                failed(out, ch, t, pub, classify(remote, connected.cause(), policy));
                                return;
                            }
                            link.confirm(Protocol.TCP, alias.port());
                            t.publicSide(pub);
                            t.outside(ch);
                            mappingLog.portUsed("proxy-tunnel", t.id(), Protocol.TCP, t.inside(), pub, start);
                            ch.closeFuture().addListener(f -> group.schedule(() -> {
                                link.byAlias(Protocol.TCP, alias.port()).ifPresent(link::close);
                                ports.release(Protocol.TCP, t.inside().address(), pub);
                                mappingLog.portReleased("proxy-tunnel", t.id(), Protocol.TCP, t.inside(), pub,
                                        start, "closed");
                            }, LINGER_SECONDS, TimeUnit.SECONDS));
                            out.complete(ch);
                        });
            });
        });
        return out;
    }

    private void failed(CompletableFuture<Channel> out, Channel ch, Tunnel t, Endpoint pub, RefusedException e) {
        ch.close();
        ports.release(Protocol.TCP, t.inside().address(), pub);
        out.completeExceptionally(e);
    }

    private static RefusedException classify(Endpoint remote, Throwable cause, ProxyPolicy policy) {
        if (cause instanceof ConnectTimeoutException) {
            return new RefusedException(Refusal.TIMED_OUT, remote + " did not answer within "
                    + policy.connectTimeout().toSeconds() + " s");
        }
        if (cause instanceof ConnectException) {
            return new RefusedException(Refusal.REFUSED, remote + " refused the connection");
        }
        return new RefusedException(Refusal.UNREACHABLE, remote + " cannot be reached: " + cause.getMessage());
    }

    /** The exception under a future's wrapping. */
    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** At most 64 characters of client text, control characters replaced, for messages and logs. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c < 32 || c > 126 ? '?' : c);
        }
        return s.length() > 64 ? sb + "..." : sb.toString();
    }
}
