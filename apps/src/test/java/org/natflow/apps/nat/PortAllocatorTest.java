package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

class PortAllocatorTest {

    private static final IPv4Address A = IPv4Address.of("10.0.0.2");
    private static final IPv4Address B = IPv4Address.of("10.0.0.3");
    private static final long QUARANTINE = TimeUnit.SECONDS.toNanos(120);

    @Test
    void handsOutEveryPortOfTheRangeOnceThenRefuses() {
        PortAllocator a = new PortAllocator(2000, 2099, QUARANTINE);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            int p = a.allocate(A, 0);
            assertThat(p).isBetween(2000, 2099);
            assertThat(seen.add(p)).as("port %d handed out twice", p).isTrue();
        }
        assertThat(a.allocate(A, 0)).isEqualTo(-1);
        assertThat(a.inUse()).isEqualTo(100);
        assertThat(a.free()).isZero();
    }

    @Test
    void choiceIsRandomised() {
        Set<Integer> firsts = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            firsts.add(new PortAllocator(1024, 65535, QUARANTINE).allocate(A, 0));
        }
        assertThat(firsts.size()).as("RFC 6056: first ports of 20 fresh allocators").isGreaterThan(15);
    }

    @Test
    void releasedPortIsQuarantinedFromOtherHostsOnly() {
        PortAllocator a = new PortAllocator(3000, 3000, QUARANTINE);
        int p = a.allocate(A, 0);
        a.release(p, A, 0);
        assertThat(a.allocate(B, TimeUnit.SECONDS.toNanos(119))).as("B within 120 s").isEqualTo(-1);
        assertThat(a.allocate(A, TimeUnit.SECONDS.toNanos(1))).as("A may have it back").isEqualTo(3000);
        a.release(3000, A, TimeUnit.SECONDS.toNanos(1));
        assertThat(a.allocate(B, TimeUnit.SECONDS.toNanos(122))).as("B after 120 s").isEqualTo(3000);
    }

    @Test
    void reservedPortsAreNeverAllocated() {
        PortAllocator a = new PortAllocator(4000, 4001, QUARANTINE);
        assertThat(a.reserve(4000)).isTrue();
        assertThat(a.allocate(A, 0)).isEqualTo(4001);
        assertThat(a.allocate(A, 0)).isEqualTo(-1);
        assertThat(a.reserve(4001)).as("held by a mapping").isFalse();
        a.unreserve(4000);
        assertThat(a.allocate(A, 0)).isEqualTo(4000);
    }
}
