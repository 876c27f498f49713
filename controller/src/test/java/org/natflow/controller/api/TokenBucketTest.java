package org.natflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A token bucket on a clock the test moves: the burst, then what the rate refills, never more than the burst. */
class TokenBucketTest {

    private static final long T0 = 1_000_000_000L;

    @Test
    void aBurstThenWhatTheRateRefills() {
        TokenBucket b = new TokenBucket(10_000, 10_000, T0);
        for (int i = 0; i < 10; i++) {
            assertThat(b.take(1000, T0)).as("packet %d of the burst", i).isTrue();
        }
        assertThat(b.take(1000, T0)).as("the burst is spent").isFalse();
        assertThat(b.take(1000, T0 + 50_000_000L)).as("50 ms: 500 tokens").isFalse();
        assertThat(b.take(1000, T0 + 100_000_000L)).as("100 ms in all: 1000").isTrue();
        assertThat(b.take(1, T0 + 100_000_000L)).isFalse();
        long later = T0 + 60_000_000_000L; // a minute idle refills no more than the burst
        assertThat(b.take(10_000, later)).isTrue();
        assertThat(b.take(1, later)).isFalse();
        assertThat(b.take(20_000, later + 10_000_000_000L)).as("more than the whole bucket").isFalse();
        assertThat(b.lastNanos()).isEqualTo(later + 10_000_000_000L);
    }

    @Test
    void aBurstLargerThanTheRate() {
        TokenBucket b = new TokenBucket(10, 20, T0);
        int taken = 0;
        while (b.take(1, T0)) {
            taken++;
        }
        assertThat(taken).isEqualTo(20);
    }

    @Test
    void zeroMeansNoLimit() {
        TokenBucket b = new TokenBucket(0, 0, T0);
        for (int i = 0; i < 1000; i++) {
            assertThat(b.take(65_000, T0)).isTrue();
        }
    }
}
