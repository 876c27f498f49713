package org.natflow.services.intercept;

import io.netty.channel.Channel;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Endpoint;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;

/** The open intercepted connections, bounded per inside host and in all; each counts until its client closes. */
final class InterceptConnections {

    private final int maxTotal;
    private final int maxPerHost;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, InterceptedConnection> open = new ConcurrentHashMap<>();
    // Guarded by this.
    private final Map<IPv4Address, Integer> perHost = new HashMap<>();

    InterceptConnections(int maxTotal, int maxPerHost) {
        this.maxTotal = maxTotal;
        this.maxPerHost = maxPerHost;
    }

    /** A new connection, or null when its host or the splicer has the most open. */
    InterceptedConnection admit(Endpoint inside, Endpoint server, Dpid dpid, long nowMillis, Channel client) {
        synchronized (this) {
            int mine = perHost.getOrDefault(inside.address(), 0);
            if (mine >= maxPerHost || open.size() >= maxTotal) {
                return null;
            }
            perHost.put(inside.address(), mine + 1);
        }
        InterceptedConnection c = new InterceptedConnection(ids.incrementAndGet(), inside, server, dpid, nowMillis,
                client);
        open.put(c.id(), c);
        client.closeFuture().addListener(f -> release(c));
        return c;
    }

    private void release(InterceptedConnection c) {
        if (open.remove(c.id()) == null) {
            return;
        }
        synchronized (this) {
            perHost.computeIfPresent(c.inside().address(), (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    Optional<InterceptedConnection> get(long id) {
        return Optional.ofNullable(open.get(id));
    }

    /** Oldest first. */
    List<InterceptedConnection> list() {
        return open.values().stream().sorted(Comparator.comparingLong(InterceptedConnection::id)).toList();
    }

    int size() {
        return open.size();
    }

    void closeAll() {
        open.values().forEach(InterceptedConnection::close);
    }
}
