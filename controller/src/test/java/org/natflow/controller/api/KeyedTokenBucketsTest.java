package org.natflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

/** A bucket per key up to the bound, one shared bucket beyond, idle keys forgotten. */
class KeyedTokenBucketsTest {

    private static final long T0 = 1_000_000_000L;
    private static final IPv4Address A = IPv4Address.of("10.0.0.2");

    @Test
    void eachKeyHasItsOwnBucket() {
        KeyedTokenBuckets<IPv4Address> buckets = new KeyedTokenBuckets<>(10, 20, 100, 10, 20, T0);
        int taken = 0;
        while (buckets.take(A, T0)) {
            taken++;
        }
        assertThat(taken).as("its burst").isEqualTo(20);
        assertThat(buckets.take(IPv4Address.of("10.0.0.3"), T0)).as("another key is not starved").isTrue();
        assertThat(buckets.take(A, T0 + TimeUnit.MILLISECONDS.toNanos(100))).as("refilled at the rate").isTrue();
    }

    @Test
    void pastTheBoundKeysShareOneBucketAndTrackedOnesKeepTheirs() {
        KeyedTokenBuckets<IPv4Address> buckets = new KeyedTokenBuckets<>(10, 20, 3, 5, 7, T0);
        for (int i = 0; i < 3; i++) {
            buckets.take(IPv4Address.of(0x0a000010 + i), T0);
        }
        int shared = 0;
        for (int i = 0; i < 10_000; i++) {
            if (buckets.take(IPv4Address.of(0x0a010000 + i), T0)) {
                shared++;
            }
        }
        assertThat(buckets.size()).as("ten thousand made-up keys, three tracked").isEqualTo(3);
        assertThat(buckets.tracked(IPv4Address.of(0x0a010000))).isFalse();
        assertThat(shared).as("one bucket of the shared capacity for all of them").isEqualTo(7);
        assertThat(buckets.take(IPv4Address.of(0x0a000010), T0)).as("a tracked key keeps its own").isTrue();
    }

    @Test
    void idleKeysAreForgottenAndMakeRoom() {
        KeyedTokenBuckets<IPv4Address> buckets = new KeyedTokenBuckets<>(10, 20, 2, 10, 20, T0);
        buckets.take(A, T0);
        buckets.take(IPv4Address.of("10.0.0.3"), T0 + 50);
        long idle = TimeUnit.MINUTES.toNanos(10);
        assertThat(buckets.expire(T0 + idle, idle)).containsExactly(A);
        assertThat(buckets.size()).isEqualTo(1);
        buckets.take(IPv4Address.of("10.0.0.4"), T0 + idle);
        assertThat(buckets.tracked(IPv4Address.of("10.0.0.4"))).as("the room it left").isTrue();
    }

    @Test
    void noLimitTracksNothing() {
        KeyedTokenBuckets<IPv4Address> buckets = new KeyedTokenBuckets<>(0, 0, 2, 10, 20, T0);
        for (int i = 0; i < 100; i++) {
            assertThat(buckets.take(IPv4Address.of(0x0a000010 + i), T0)).isTrue();
        }
        assertThat(buckets.size()).isZero();
    }
}
