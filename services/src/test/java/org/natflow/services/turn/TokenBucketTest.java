package org.natflow.services.turn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-allocation bandwidth cap: one second of burst, then what the rate refills. */
class TokenBucketTest {

    @Test
    void aBurstOfOneSecondThenRefusals() {
        Allocation.TokenBucket b = new Allocation.TokenBucket(10_000);
        int passed = 0;
        for (int i = 0; i < 100; i++) {
            if (b.take(1000)) {
                passed++;
            }
        }
        // Ten packets fit the burst; at most a few more refill while the loop runs.
        assertThat(passed).isBetween(10, 12);
        assertThat(b.take(20_000)).as("larger than the whole bucket").isFalse();
    }

    @Test
    void zeroMeansNoCap() {
        Allocation.TokenBucket b = new Allocation.TokenBucket(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(b.take(65_000)).isTrue();
        }
    }
}
