package org.natflow.services.proxy;

import io.netty.channel.Channel;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Endpoint;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The open tunnels, bounded per inside host and in all. A tunnel counts from its request until its client
 * connection closes.
 */
final class Tunnels {

    private final int maxTotal;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Tunnel> open = new ConcurrentHashMap<>();
    // Guarded by this.
    private final Map<IPv4Address, Integer> perHost = new HashMap<>();

    Tunnels(int maxTotal) {
        this.maxTotal = maxTotal;
    }

    /**
     * A new tunnel for a client's request, counted until {@code client} closes.
     *
     * @throws RefusedException {@link Refusal#TUNNEL_LIMIT} when the host or the proxies have their most open
     */
    Tunnel admit(Tunnel.Kind kind, Endpoint inside, String user, String requested, int maxPerHost, long nowMillis,
                 Channel client) {
        synchronized (this) {
            int mine = perHost.getOrDefault(inside.address(), 0);
            if (mine >= maxPerHost) {
                throw new RefusedException(Refusal.TUNNEL_LIMIT, inside.address() + " has " + mine
                        + " tunnels open (maxTunnelsPerHost)");
            }
            if (open.size() >= maxTotal) {
                throw new RefusedException(Refusal.TUNNEL_LIMIT, "the proxies have " + maxTotal
                        + " tunnels open (natflow.proxy.max-tunnels)");
            }
            perHost.put(inside.address(), mine + 1);
        }
        Tunnel t = new Tunnel(ids.incrementAndGet(), kind, inside, user, requested, nowMillis, client);
        open.put(t.id(), t);
        client.closeFuture().addListener(f -> release(t));
        return t;
    }

    private void release(Tunnel t) {
        if (open.remove(t.id()) == null) {
            return;
        }
        synchronized (this) {
            perHost.computeIfPresent(t.inside().address(), (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    Optional<Tunnel> get(long id) {
        return Optional.ofNullable(open.get(id));
    }

    /** The open tunnels, oldest first. */
    List<Tunnel> list() {
        return open.values().stream().sorted(Comparator.comparingLong(Tunnel::id)).toList();
    }

    int size() {
        return open.size();
    }

    /** Tunnels one inside host has open. */
    synchronized int of(IPv4Address inside) {
        return perHost.getOrDefault(inside, 0);
    }

    /** Closes every tunnel. */
    void closeAll() {
        open.values().forEach(Tunnel::close);
    }
}
