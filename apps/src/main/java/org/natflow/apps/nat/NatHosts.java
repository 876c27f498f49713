package org.natflow.apps.nat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The NAT's new-flow state per inside host: a token bucket ({@code rate} new flows per second, bursts of up to
 * twice that) and when the host was last seen. One host flooding new source ports uses up its own bucket, not
 * everyone's. At most {@code maxHosts} hosts are tracked; beyond, hosts share one bucket of the same rate, so
 * spoofed inside sources cannot grow this state (nor the meters it stands for) without bound. Hosts not seen for
 * a while are forgotten ({@link #expire}), which changes nothing for them: a new bucket starts full.
 */
final class NatHosts {

    private static final class Host {
        double tokens;
        long lastNanos;

        Host(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }

        synchronized boolean take(double rate, double capacity, long now) {
            tokens = Math.min(capacity, tokens + (now - lastNanos) * rate / 1e9);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        synchronized long lastNanos() {
            return lastNanos;
        }
    }

    private final double rate;
    private final double capacity;
    private final int maxHosts;
    private final Map<IPv4Address, Host> hosts = new ConcurrentHashMap<>();
    private final Host shared;

    /**
     * @param rate     new flows per host and second; 0 or less: unlimited (and nothing is tracked)
     * @param maxHosts most hosts with a bucket of their own
     * @param now      the clock's reading now, in nanoseconds
     */
    NatHosts(int rate, int maxHosts, long now) {
        this.rate = rate;
        this.capacity = 2.0 * rate;
        this.maxHosts = maxHosts;
        this.shared = new Host(capacity, now);
    }

    /** Takes a new-flow token for the host: from its own bucket (given one if there is room), else the shared one. */
    boolean tryAcquire(IPv4Address host, long now) {
        if (rate <= 0) {
            return true;
        }
        Host h = hosts.get(host);
        if (h == null) {
            h = hosts.size() < maxHosts ? hosts.computeIfAbsent(host, k -> new Host(capacity, now)) : shared;
        }
        return h.take(rate, capacity, now);
    }

    /** Whether the host has a bucket of its own (and so may have a meter of its own). */
    boolean tracked(IPv4Address host) {
        return hosts.containsKey(host);
    }

    /** Forgets the hosts not seen for {@code idleNanos}, and returns them. */
    List<IPv4Address> expire(long now, long idleNanos) {
        List<IPv4Address> gone = new ArrayList<>();
        hosts.forEach((ip, h) -> {
            if (now - h.lastNanos() >= idleNanos && hosts.remove(ip, h)) {
                gone.add(ip);
            }
        });
        return gone;
    }

    /** Hosts tracked now. */
    int size() {
        return hosts.size();
    }
}
