package org.natflow.controller.api;

/**
 * A token bucket: {@code rate} tokens a second, at most {@code capacity} held (the burst), starting full. A rate
 * of zero or less means no limit. Thread-safe; time is the caller's, in nanoseconds, so tests can move it.
 */
public final class TokenBucket {

    private final double rate;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    /** A full bucket refilling at {@code rate} per second up to {@code capacity}, as of {@code nowNanos}. */
    public TokenBucket(double rate, double capacity, long nowNanos) {
        this.rate = rate;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes {@code n} tokens if the bucket holds them at {@code nowNanos}. */
    public synchronized boolean take(double n, long nowNanos) {
        if (rate <= 0) {
            return true;
        }
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * rate / 1e9);
        lastNanos = nowNanos;
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }

    /** When tokens were last asked for. */
    public synchronized long lastNanos() {
        return lastNanos;
    }
}
