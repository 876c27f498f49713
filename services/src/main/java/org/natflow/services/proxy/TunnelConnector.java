package org.natflow.services.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.NetUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.ForbiddenTargets;
import org.natflow.apps.ports.Endpoint;
import org.natflow.controller.api.Dpid;
import org.natflow.services.names.HostNames;
import org.natflow.services.splice.OutsideConnector;
import org.natflow.services.splice.OutsideFailure;
import org.natflow.services.splice.OutsideRequest;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Opens a tunnel's outside connection: resolves and checks the destination, then connects it from the client's
 * pool address through {@link TunnelConnector} (a registry port, a service-link conversation, the mapping log).
 */
final class TunnelConnector {

    /** The conversation and port outlive the connection by this long, for its last FIN and ACK. */
    static final long LINGER_SECONDS = OutsideConnector.LINGER_SECONDS;

    private final Borders borders;
    private final NameResolver resolver;
    private final OutsideConnector outside;

    TunnelConnector(Borders borders, NameResolver resolver, OutsideConnector outside) {
        this.borders = borders;
        this.resolver = resolver;
        this.outside = outside;
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
        if (!HostNames.isHostName(HostNames.normal(host))) {
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
        return outside.connect(new OutsideRequest(dpid, t.inside(), remote, policy.connectTimeout(), "proxy-tunnel",
                t.id()), handler).handle((leg, e) -> {
                    if (e != null) {
                        throw refusal(rootCause(e));
                    }
                    t.publicSide(leg.publicSide());
                    t.outside(leg.channel());
                    return leg.channel();
                });
    }

    private static RuntimeException refusal(Throwable e) {
        if (!(e instanceof OutsideFailure f)) {
            return e instanceof RuntimeException r ? r : new CompletionException(e);
        }
        Refusal r = switch (f.reason()) {
            case NO_PORT -> Refusal.NO_PORT;
            case TIMED_OUT -> Refusal.TIMED_OUT;
            case REFUSED -> Refusal.REFUSED;
            case NO_BORDER, NO_LINK, UNREACHABLE -> Refusal.UNREACHABLE;
        };
        return new RefusedException(r, f.getMessage());
    }

    /** The exception under a future's wrapping. */
    static Throwable rootCause(Throwable e) {
        return OutsideConnector.rootCause(e);
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
