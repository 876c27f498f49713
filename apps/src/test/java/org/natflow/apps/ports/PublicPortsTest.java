package org.natflow.apps.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;

/** The one registry of public ports, on its own: every kind of holder against every other. */
class PublicPortsTest {

    private static final IPv4Address A = IPv4Address.of("203.0.113.10");
    private static final IPv4Address B = IPv4Address.of("203.0.113.11");
    private static final IPv4Address HOST = IPv4Address.of("10.0.0.2");

    private final PublicPorts ports = new PublicPorts(List.of(A, B), 5000, 5099, 3, Duration.ofSeconds(120),
            Clock.systemUTC());

    @Test
    void aDynamicHolderIsNamedByItsDescriberAndBlocksEveryOtherKind() throws Exception {
        Endpoint e = ports.allocate(Protocol.UDP, HOST, List.of(A, B));
        assertThat(ports.holder(Protocol.UDP, e.address(), e.port())).as("no describer: still held")
                .hasValueSatisfying(h -> assertThat(h).contains("dynamic udp mapping"));
        ports.addDescriber((p, a, port) -> a.equals(e.address()) && port == e.port()
                ? Optional.of("the test's mapping") : Optional.empty());
        assertThat(ports.reserve(Protocol.UDP, e.address(), e.port(), "a relay")).contains("the test's mapping");
        assertThat(ports.holder(Protocol.TCP, e.address(), e.port())).as("per protocol").isEmpty();
    }

    @Test
    void dynamicPortsStayOnTheHostsPairedAddressWithinItsQuota() throws Exception {
        IPv4Address first = ports.allocate(Protocol.TCP, HOST, List.of(A, B)).address();
        assertThat(ports.pairedAddress(HOST)).contains(first);
        assertThat(ports.allocate(Protocol.TCP, HOST, List.of(A, B)).address()).isEqualTo(first);
        Endpoint third = ports.allocate(Protocol.TCP, HOST, List.of(A, B));
        assertThatThrownBy(() -> ports.allocate(Protocol.TCP, HOST, List.of(A, B)))
                .isInstanceOf(AllocationException.class).extracting(x -> ((AllocationException) x).reason())
                .isEqualTo(AllocationException.Reason.QUOTA_EXCEEDED);
        ports.release(Protocol.TCP, HOST, third);
        assertThat(ports.allocate(Protocol.TCP, HOST, List.of(A, B))).as("quota back after a release").isNotNull();
        assertThat(ports.allocate(Protocol.TCP, IPv4Address.of("10.0.0.3"), List.of(A, B)).address())
                .as("the next host pairs with the emptier address").isNotEqualTo(first);
    }

    @Test
    void aReservationLeadsToItsTargetAndIsGoneWhenReleased() {
        Endpoint server = new Endpoint(IPv4Address.of("10.0.0.9"), 80);
        assertThat(ports.reserve(Protocol.TCP, A, 5050, "a port forward", server)).isEmpty();
        assertThat(ports.target(Protocol.TCP, A, 5050)).contains(server);
        assertThat(ports.target(Protocol.UDP, A, 5050)).isEmpty();
        assertThat(ports.reserve(Protocol.TCP, A, 5050, "a relay")).contains("a port forward");
        int free = ports.reserveFree(Protocol.TCP, A, "a TURN allocation");
        assertThat(free).isBetween(5000, 5099).isNotEqualTo(5050);
        assertThat(ports.target(Protocol.TCP, A, free)).as("a reservation without a server").isEmpty();
        ports.unreserve(Protocol.TCP, A, 5050);
        assertThat(ports.target(Protocol.TCP, A, 5050)).isEmpty();
        assertThat(ports.holder(Protocol.TCP, A, 5050)).isEmpty();
    }

    @Test
    void aBlockHoldsTcpAndUdpAndIsNamedWithItsHost() throws Exception {
        int first = ports.reserveBlock(HOST, A, 50);
        assertThat(first).isEqualTo(5000);
        assertThat(ports.holder(Protocol.UDP, A, 5049)).get().asString().contains("port block 5000-5049 of 10.0.0.2");
        assertThat(ports.holder(Protocol.TCP, A, 5050)).isEmpty();
        assertThat(ports.reserveBlock(IPv4Address.of("10.0.0.3"), A, 50)).isEqualTo(5050);
        assertThat(ports.reserveBlock(IPv4Address.of("10.0.0.4"), A, 50)).as("no room left").isEqualTo(-1);
        assertThat(ports.claimBlock(IPv4Address.of("10.0.0.4"), A, 5000, 5049)).as("taken").isFalse();
        ports.releaseBlock(A, 5000, 5049);
        assertThat(ports.holder(Protocol.TCP, A, 5000)).isEmpty();
        assertThat(ports.claimBlock(IPv4Address.of("10.0.0.4"), A, 5000, 5049)).isTrue();
        assertThat(ports.pairedAddress(IPv4Address.of("10.0.0.4"))).contains(A);
    }

    @Test
    void addressesOutsideThePoolAreRefused() {
        IPv4Address other = IPv4Address.of("198.51.100.1");
        assertThatThrownBy(() -> ports.reserve(Protocol.TCP, other, 5000, "a relay"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a pool address");
        assertThat(ports.claim(Protocol.TCP, HOST, new Endpoint(other, 5000))).isFalse();
        assertThat(ports.claimBlock(HOST, other, 5000, 5049)).isFalse();
    }

    @Test
    void hostsHoldingNothingAreKeptOnlyUpToTheBound() throws Exception {
        PublicPorts small = new PublicPorts(List.of(A, B), 5000, 5099, 3, Duration.ZERO, Clock.systemUTC(), 10);
        Endpoint udp = small.allocate(Protocol.UDP, HOST, List.of(A, B));
        Endpoint tcp = small.allocate(Protocol.TCP, HOST, List.of(A, B));
        small.release(Protocol.UDP, HOST, udp);
        small.release(Protocol.TCP, HOST, tcp);
        assertThat(small.pairedAddress(HOST)).as("kept across a pause").contains(udp.address());
        Endpoint again = small.allocate(Protocol.UDP, HOST, List.of(A, B));
        assertThat(again.address()).as("the same address after the pause").isEqualTo(udp.address());
        small.release(Protocol.UDP, HOST, again);
        for (int i = 0; i < 1000; i++) {
            IPv4Address spoofed = IPv4Address.of(0x0a010000 + i);
            Endpoint e = small.allocate(Protocol.UDP, spoofed, List.of(A, B));
            small.release(Protocol.UDP, spoofed, e);
        }
        assertThat(small.hosts()).as("a thousand sources, each with a mapping come and gone: the last 10 kept")
                .isEqualTo(10);
        assertThat(small.pairedAddress(HOST)).as("the longest empty went first").isEmpty();
        assertThat(small.usage()).extracting(PoolUsage::hosts).as("hosts per address, counted alike")
                .containsOnly(5);

        Endpoint held = small.allocate(Protocol.TCP, HOST, List.of(A, B));
        for (int i = 0; i < 100; i++) {
            IPv4Address spoofed = IPv4Address.of(0x0a020000 + i);
            small.release(Protocol.TCP, spoofed, small.allocate(Protocol.TCP, spoofed, List.of(A, B)));
        }
        assertThat(small.pairedAddress(HOST)).as("a host holding a port is never forgotten").contains(held.address());

        IPv4Address free = held.address().equals(A) ? B : A;
        assertThat(small.reserveBlock(IPv4Address.of("10.0.0.3"), free, 100)).as("the whole dynamic range")
                .isEqualTo(5000);
        IPv4Address blocked = IPv4Address.of("10.0.0.4");
        assertThat(small.reserveBlock(blocked, small.pair(blocked, List.of(free)), 100)).isEqualTo(-1);
        assertThat(small.hosts()).as("a host that got nothing counts among the empty, within the bound")
                .isEqualTo(12);
    }

    @Test
    void aReleasedPortCountsAsQuarantinedUntilItsQuarantineIsOver() throws Exception {
        org.natflow.apps.testing.MutableClock clock = new org.natflow.apps.testing.MutableClock();
        PublicPorts timed = new PublicPorts(List.of(A), 5000, 5099, 3, Duration.ofSeconds(120), clock);
        Endpoint e = timed.allocate(Protocol.TCP, HOST, List.of(A));
        assertThat(timed.usage(A, Protocol.TCP).quarantined()).isZero();
        timed.release(Protocol.TCP, HOST, e);
        PoolUsage after = timed.usage(A, Protocol.TCP);
        assertThat(after.quarantined()).isEqualTo(1);
        assertThat(after.free()).as("free counts it").isEqualTo(100);
        assertThat(timed.usage(A, Protocol.UDP).quarantined()).as("per protocol").isZero();
        clock.advance(Duration.ofSeconds(121));
        assertThat(timed.usage(A, Protocol.TCP).quarantined()).isZero();
    }

    @Test
    void aRefusalNamesTheAddressWithoutRoomAndWhetherEveryOtherIsFullToo() throws Exception {
        PublicPorts tiny = new PublicPorts(List.of(A, B), 5000, 5001, 10, Duration.ofSeconds(120), Clock.systemUTC());
        IPv4Address other = IPv4Address.of("10.0.0.3");
        Endpoint first = tiny.allocate(Protocol.UDP, HOST, List.of(A, B));
        tiny.allocate(Protocol.UDP, HOST, List.of(A, B));
        AllocationException e = org.junit.jupiter.api.Assertions.assertThrows(AllocationException.class,
                () -> tiny.allocate(Protocol.UDP, HOST, List.of(A, B)));
        assertThat(e.reason()).isEqualTo(AllocationException.Reason.POOL_EXHAUSTED);
        assertThat(e.address()).as("its paired address").isEqualTo(first.address());
        assertThat(e.everyAddress()).as("the other address has room").isFalse();
        tiny.allocate(Protocol.UDP, other, List.of(A, B));
        tiny.allocate(Protocol.UDP, other, List.of(A, B));
        assertThat(org.junit.jupiter.api.Assertions.assertThrows(AllocationException.class,
                () -> tiny.allocate(Protocol.UDP, HOST, List.of(A, B))).everyAddress()).as("now none has").isTrue();
        assertThat(tiny.allocate(Protocol.TCP, HOST, List.of(A, B))).as("per protocol").isNotNull();
    }
}
