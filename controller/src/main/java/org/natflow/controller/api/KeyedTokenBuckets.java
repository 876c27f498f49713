package org.natflow.controller.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link TokenBucket} per key (an inside host, a client address), for at most {@code maxKeys} keys; keys
 * beyond share one bucket, so keys an attacker makes up (spoofed sources) cannot grow the state without bound
 * nor take the tracked keys' tokens. Keys not asked for a while are forgotten ({@link #expire}): a bucket made
 * again starts full, which is what an idle bucket would hold.
 *
 * @param <K> the key
 */
public final class KeyedTokenBuckets<K> {

    private final double rate;
    private final double capacity;
    private final int maxKeys;
    private final TokenBucket shared;
    private final Map<K, TokenBucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param rate           tokens per key and second; zero or less: no limit, and nothing is tracked
     * @param capacity       tokens a key's bucket holds (its burst)
     * @param maxKeys        most keys with a bucket of their own
     * @param sharedRate     tokens per second of the bucket the other keys share
     * @param sharedCapacity what that bucket holds
     * @param nowNanos       the time now
     */
    public KeyedTokenBuckets(double rate, double capacity, int maxKeys, double sharedRate, double sharedCapacity,
                             long nowNanos) {
        this.rate = rate;
        this.capacity = capacity;
        this.maxKeys = maxKeys;
        this.shared = new TokenBucket(rate <= 0 ? 0 : sharedRate, sharedCapacity, nowNanos);
    }

    /** Takes a token for {@code key}: from its own bucket (made if there is room), else from the shared one. */
    public boolean take(K key, long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        TokenBucket b = buckets.get(key);
        if (b == null) {
            b = buckets.size() < maxKeys ? buckets.computeIfAbsent(key, k -> new TokenBucket(rate, capacity, nowNanos))
                    : shared;
        }
        return b.take(1, nowNanos);
    }

    /** Whether {@code key} has a bucket of its own. */
    public boolean tracked(K key) {
        return buckets.containsKey(key);
    }

    /** Forgets the keys not asked for in {@code idleNanos}, and returns them. */
    public List<K> expire(long nowNanos, long idleNanos) {
        List<K> gone = new ArrayList<>();
        buckets.forEach((k, b) -> {
            if (nowNanos - b.lastNanos() >= idleNanos && buckets.remove(k, b)) {
                gone.add(k);
            }
        });
        return gone;
    }

    /** Keys with a bucket of their own now. */
    public int size() {
        return buckets.size();
    }
}
