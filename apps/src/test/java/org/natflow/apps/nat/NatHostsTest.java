package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

/** New-flow state per inside host: its own bucket up to the bound, a shared one beyond, forgotten when idle. */
class NatHostsTest {

    private static final long T0 = 1_000_000_000L;
    private static final IPv4Address A = IPv4Address.of("10.0.0.2");

    @Test
    void eachHostHasItsOwnBucketOfTwiceTheRate() {
        NatHosts hosts = new NatHosts(10, 100, T0);
        int taken = 0;
        while (hosts.tryAcquire(A, T0)) {
            taken++;
        }
        assertThat(taken).as("a burst of twice the rate").isEqualTo(20);
        assertThat(hosts.tryAcquire(IPv4Address.of("10.0.0.3"), T0)).as("another host is not starved").isTrue();
        assertThat(hosts.tryAcquire(A, T0 + TimeUnit.MILLISECONDS.toNanos(100))).as("refilled at the rate").isTrue();
    }

    @Test
    void pastTheBoundHostsShareOneBucketAndTrackedOnesKeepTheirs() {
        NatHosts hosts = new NatHosts(10, 3, T0);
        for (int i = 0; i < 3; i++) {
            hosts.tryAcquire(IPv4Address.of(0x0a000010 + i), T0);
        }
        int shared = 0;
        for (int i = 0; i < 10_000; i++) {
            if (hosts.tryAcquire(IPv4Address.of(0x0a010000 + i), T0)) {
                shared++;
            }
        }
        assertThat(hosts.size()).as("ten thousand spoofed sources, three tracked").isEqualTo(3);
        assertThat(hosts.tracked(IPv4Address.of(0x0a010000))).isFalse();
        assertThat(shared).as("one bucket for all of them").isEqualTo(20);
        assertThat(hosts.tryAcquire(IPv4Address.of(0x0a000010), T0)).as("a tracked host keeps its own").isTrue();
    }

    @Test
    void idleHostsAreForgottenAndMakeRoom() {
        NatHosts hosts = new NatHosts(10, 2, T0);
        hosts.tryAcquire(A, T0);
        hosts.tryAcquire(IPv4Address.of("10.0.0.3"), T0 + 50);
        long idle = TimeUnit.MINUTES.toNanos(10);
        assertThat(hosts.expire(T0 + idle, idle)).containsExactly(A);
        assertThat(hosts.size()).isEqualTo(1);
        hosts.tryAcquire(IPv4Address.of("10.0.0.4"), T0 + idle);
        assertThat(hosts.tracked(IPv4Address.of("10.0.0.4"))).as("the room it left").isTrue();
    }

    @Test
    void anUnlimitedRateTracksNothing() {
        NatHosts hosts = new NatHosts(0, 2, T0);
        for (int i = 0; i < 100; i++) {
            assertThat(hosts.tryAcquire(IPv4Address.of(0x0a000010 + i), T0)).isTrue();
        }
        assertThat(hosts.size()).isZero();
    }
}
