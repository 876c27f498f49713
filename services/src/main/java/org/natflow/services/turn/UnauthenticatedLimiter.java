package org.natflow.services.turn;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * How often the server answers requests that carry no credentials (Binding, the first Allocate, malformed
 * ones), per source address: such answers are larger than the requests, so a spoofed source could use the server
 * to amplify traffic at a victim. Each source gets {@code perSource} answers per second (as many in a burst);
 * sources beyond {@code sources} tracked share one bucket of {@code overflow} per second, so the state is bounded
 * whatever the spoofed addresses.
 */
final class UnauthenticatedLimiter {

    private final int perSource;
    private final int sources;
    private final Allocation.TokenBucket overflow;
    private final LongSupplier nanos;
    private final Map<IPv4Address, Allocation.TokenBucket> buckets = new ConcurrentHashMap<>();

    UnauthenticatedLimiter(int perSource, int sources, int overflow, LongSupplier nanos) {
        this.perSource = perSource;
        this.sources = sources;
        this.overflow = new Allocation.TokenBucket(overflow, nanos);
        this.nanos = nanos;
    }

    /** Whether an unauthenticated request from {@code source} may be answered now. */
    boolean permit(IPv4Address source) {
        Allocation.TokenBucket b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= sources) {
                return overflow.take(1);
            }
            b = buckets.computeIfAbsent(source, s -> new Allocation.TokenBucket(perSource, nanos));
        }
        return b.take(1);
    }

    /** Forgets sources (called every few seconds: a bucket refills to full in a second anyway). */
    void clear() {
        buckets.clear();
    }
}
