package org.natflow.apps.ports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.NatSession;
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

    @Test
    void quarantinesEndInReleaseOrderAndFreePortsAreFoundUnderChurn() {
        PortAllocator a = new PortAllocator(5000, 5009, QUARANTINE);
        int[] ports = new int[10];
        for (int i = 0; i < 10; i++) {
            ports[i] = a.allocate(A, 0);
        }
        for (int i = 0; i < 10; i++) {
            a.release(ports[i], A, TimeUnit.SECONDS.toNanos(i));
        }
        assertThat(a.allocate(B, TimeUnit.SECONDS.toNanos(100))).as("all quarantined for B").isEqualTo(-1);
        assertThat(a.allocate(B, TimeUnit.SECONDS.toNanos(120))).as("the first released comes out first")
                .isEqualTo(ports[0]);
        assertThat(a.allocate(B, TimeUnit.SECONDS.toNanos(121))).isEqualTo(ports[1]);
        assertThat(a.allocate(A, TimeUnit.SECONDS.toNanos(121))).as("A has its own back")
                .isBetween(5000, 5009).isNotIn(ports[0], ports[1]);
        assertThat(a.inUse()).isEqualTo(3);
    }

    @Test
    void aReservedQuarantinedPortIsNotHandedBack() {
        PortAllocator a = new PortAllocator(6000, 6000, QUARANTINE);
        a.release(a.allocate(A, 0), A, 0);
        assertThat(a.reserve(6000)).isTrue();
        assertThat(a.allocate(A, 1)).isEqualTo(-1);
        assertThat(a.reserveFree(1)).as("nothing else free").isEqualTo(-1);
    }

    @Test
    void mappingKeysOfConsecutiveAddressesAndPortsDoNotCollide() {
        Set<Integer> hashes = new HashSet<>();
        int n = 0;
        for (int host = 0; host < 64; host++) {
            for (int port = 1024; port < 2024; port++) {
                hashes.add(new NatSession.Key(Protocol.TCP, IPv4Address.of(0xcb007100 + host), port).hashCode());
                n++;
            }
        }
        assertThat(hashes.size()).as("distinct hashes of %d neighbouring keys", n).isGreaterThan(n * 99 / 100);
    }
}
