package org.natflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogLimiterTest {

    @Test
    void linesPastTheLimitAreCountedAndReportedWithTheNextLineLetThrough() throws Exception {
        LogLimiter limiter = new LogLimiter(3, Duration.ofMillis(200));
        assertThat(limiter.permit()).isZero();
        assertThat(limiter.permit()).isZero();
        assertThat(limiter.permit()).isZero();
        for (int i = 0; i < 1000; i++) {
            assertThat(limiter.permit()).isEqualTo(-1);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        long next;
        while ((next = limiter.permit()) < 0) {
            assertThat(System.nanoTime()).as("a new window within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(next).as("every line left out is counted").isGreaterThanOrEqualTo(1000);
    }
}
