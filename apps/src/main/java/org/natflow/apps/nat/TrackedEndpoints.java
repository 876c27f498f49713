package org.natflow.apps.nat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * On the conntrack datapath, which inside endpoint Open vSwitch's tracker translated to each public endpoint,
 * as the copies of new connections tell ({@link TrackedCopies}): the controller picks no ports there, so this
 * is how hairpinning finds the inside endpoint behind a public one. Memory only (packet-in path), bounded: at
 * most {@code capacity} endpoints, the least recently learned go first; an endpoint not seen for
 * {@code maxAgeNanos} (the longest NAT timeout) is not used. What it says is checked against the port blocks
 * before use, so a stale entry never leads to a host that no longer holds the port.
 */
final class TrackedEndpoints {

    /** A public endpoint. */
    private record Key(Protocol protocol, int address, int port) {
    }

    /**
     * The inside endpoint behind a public one.
     *
     * @param address   inside address
     * @param port      inside port
     * @param seenNanos when a new connection last showed it
     */
    record Inside(IPv4Address address, int port, long seenNanos) {
    }

    private final int capacity;
    private final long maxAgeNanos;
    private final Map<Key, Inside> endpoints;
    /** Inside endpoint to the public port it was last seen with (same protocol and pool address per host). */
    private final Map<Key, Key> byInside = new java.util.HashMap<>();

    TrackedEndpoints(int capacity, long maxAgeNanos) {
        if (capacity < 1 || maxAgeNanos < 1) {
            throw new IllegalArgumentException("capacity and age must be positive");
        }
        this.capacity = capacity;
        this.maxAgeNanos = maxAgeNanos;
        this.endpoints = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Inside> eldest) {
                if (size() <= TrackedEndpoints.this.capacity) {
                    return false;
                }
                Inside i = eldest.getValue();
                byInside.remove(new Key(eldest.getKey().protocol(), i.address().getInt(), i.port()),
                        eldest.getKey());
                return true;
            }
        };
    }

    /** A new connection from {@code inside:insidePort} left from {@code address:port}. */
    synchronized void learn(Protocol p, IPv4Address address, int port, IPv4Address inside, int insidePort,
                            long nowNanos) {
        Key k = new Key(p, address.getInt(), port);
        Inside old = endpoints.remove(k); // re-learned: the newest again
        if (old != null) {
            byInside.remove(new Key(p, old.address().getInt(), old.port()), k);
        }
        endpoints.put(k, new Inside(inside, insidePort, nowNanos));
        byInside.put(new Key(p, inside.getInt(), insidePort), k);
    }

    /** The public port an inside endpoint's newest connection left from, if recent enough. */
    synchronized Optional<Integer> publicPort(Protocol p, IPv4Address inside, int insidePort, long nowNanos) {
        Key pub = byInside.get(new Key(p, inside.getInt(), insidePort));
        Inside i = pub == null ? null : endpoints.get(pub);
        if (i == null || !i.address().equals(inside) || i.port() != insidePort || nowNanos - i.seenNanos() > maxAgeNanos) {
            return Optional.empty();
        }
        return Optional.of(pub.port());
    }

    /** The inside endpoint behind a public one, if a new connection showed it recently enough. */
    synchronized Optional<Inside> lookup(Protocol p, IPv4Address address, int port, long nowNanos) {
        Inside i = endpoints.get(new Key(p, address.getInt(), port));
        return i == null || nowNanos - i.seenNanos() > maxAgeNanos ? Optional.empty() : Optional.of(i);
    }

    /** Endpoints held now. */
    synchronized int size() {
        return endpoints.size();
    }
}
