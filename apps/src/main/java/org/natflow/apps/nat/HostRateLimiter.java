package org.natflow.apps.nat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * A token bucket per inside host for new-flow work at the controller: {@code rate} per second, bursts of up
 * to twice that. One host flooding new source ports uses up its own bucket, not everyone's.
 */
final class HostRateLimiter {

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }
    }

    private final double rate;
    private final double capacity;
    private final Map<IPv4Address, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param rate per host per second; 0 or less: unlimited */
    HostRateLimiter(int rate) {
        this.rate = rate;
        this.capacity = 2.0 * rate;
    }

    boolean tryAcquire(IPv4Address host, long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        Bucket b = buckets.computeIfAbsent(host, h -> new Bucket(capacity, nowNanos));
        synchronized (b) {
            b.tokens = Math.min(capacity, b.tokens + (nowNanos - b.lastNanos) * rate / 1e9);
            b.lastNanos = nowNanos;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
