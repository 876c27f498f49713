package org.natflow.services.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-allocation bandwidth cap, on a clock the test moves: one second of burst, then the rate. */
class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstOfOneSecondThenWhatTheRateRefills() {
        Allocation.TokenBucket b = new Allocation.TokenBucket(10_000, now::get);
        for (int i = 0; i < 10; i++) {
            assertThat(b.take(1000)).as("packet %d of the burst", i).isTrue();
        }
        assertThat(b.take(1000)).as("the burst is spent").isFalse();
        now.addAndGet(50_000_000L); // 50 ms: 500 bytes
        assertThat(b.take(1000)).isFalse();
        now.addAndGet(50_000_000L); // 100 ms in all: 1000 bytes
        assertThat(b.take(1000)).isTrue();
        assertThat(b.take(1)).isFalse();
        now.addAndGet(60_000_000_000L); // a minute idle refills no more than the burst
        assertThat(b.take(10_000)).isTrue();
        assertThat(b.take(1)).isFalse();
        assertThat(b.take(20_000)).as("larger than the whole bucket").isFalse();
    }

    @Test
    void zeroMeansNoCap() {
        Allocation.TokenBucket b = new Allocation.TokenBucket(0, now::get);
        for (int i = 0; i < 1000; i++) {
            assertThat(b.take(65_000)).isTrue();
        }
    }
}
