package org.natflow.services.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverChannelStrategy;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names resolved by Netty's DNS resolver against the configured server beyond the uplink, reached like every
 * service of natflow's over the service link: queries leave from a public UDP port reserved on the first pool
 * address, through a conversation the switch translates. When the conversation idles out, the next name opens
 * it again. Answers are cached for their TTL by the resolver; {@code /etc/hosts} and search domains are not
 * used (the gateway's own host configuration has no business in its clients' names).
 */
final class LinkDnsResolver implements NameResolver {

    // Under the server's name: operators follow (and tune the level of) one logger for the proxies.
    private static final Logger log = LoggerFactory.getLogger("org.natflow.services.proxy.ProxyServer");
    private static final long QUERY_TIMEOUT_MILLIS = 5000;

    private final ServiceLink link;
    private final Endpoint server;
    private final EventLoopGroup group;
    private final Endpoint publicSide;
    private final PublicPorts ports;
    // Guarded by this.
    private CompletableFuture<DnsNameResolver> current;
    private int aliasPort = -1;

    LinkDnsResolver(ServiceLink link, PublicPorts ports, Endpoint server, EventLoopGroup group) {
        this.link = link;
        this.server = server;
        this.group = group;
        this.ports = ports;
        IPv4Address first = ports.pool().get(0);
        this.publicSide = new Endpoint(first, ports.reserveFree(Protocol.UDP, first, "the proxy's resolver"));
        link.addCloseListener(this::conversationClosed);
    }

    @Override
    public CompletableFuture<IPv4Address> resolve(String name) {
        return resolver().thenCompose(r -> {
            CompletableFuture<IPv4Address> out = new CompletableFuture<>();
            r.resolve(name).addListener(f -> {
                if (f.isSuccess() && f.getNow() instanceof Inet4Address a) {
                    out.complete(IPv4Address.of(a.getAddress()));
                } else {
                    out.completeExceptionally(new RefusedException(Refusal.UNRESOLVED, "cannot resolve " + name
                            + (f.cause() == null ? "" : ": " + f.cause().getMessage())));
                }
            });
            return out;
        });
    }

    private synchronized CompletableFuture<DnsNameResolver> resolver() {
        if (current != null && !current.isCompletedExceptionally()) {
            return current;
        }
        current = link.connect(Protocol.UDP, publicSide, server).thenApply(alias -> {
            synchronized (this) {
                aliasPort = alias.port();
            }
            log.info("event=proxy-resolver server={} public={} alias={}", server, publicSide, alias);
            return new DnsNameResolverBuilder(group.next())
                    .datagramChannelStrategy(DnsNameResolverChannelStrategy.ChannelPerResolver)
                    .channelType(NioDatagramChannel.class)
                    .localAddress(new InetSocketAddress(link.config().serviceAddress().toString(), publicSide.port()))
                    .nameServerProvider(new SingletonDnsServerAddressStreamProvider(
                            new InetSocketAddress(alias.address().toString(), alias.port())))
                    .resolvedAddressTypes(ResolvedAddressTypes.IPV4_ONLY)
                    .hostsFileEntriesResolver((host, types) -> null)
                    .searchDomains(List.of())
                    .ndots(1)
                    .queryTimeoutMillis(QUERY_TIMEOUT_MILLIS)
                    .build();
        }).exceptionally(e -> {
            throw new RefusedException(Refusal.UNRESOLVED, "the resolver " + server + " cannot be reached: "
                    + e.getMessage());
        });
        return current;
    }

    private void conversationClosed(Conversation c) {
        CompletableFuture<DnsNameResolver> stale;
        synchronized (this) {
            if (c.protocol() != Protocol.UDP || c.aliasPort() != aliasPort || !c.publicSide().equals(publicSide)) {
                return;
            }
            stale = current;
            current = null;
            aliasPort = -1;
        }
        if (stale != null) {
            stale.thenAccept(DnsNameResolver::close);
        }
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.thenAccept(DnsNameResolver::close);
            current = null;
        }
        ports.unreserve(Protocol.UDP, publicSide.address(), publicSide.port());
    }
}
