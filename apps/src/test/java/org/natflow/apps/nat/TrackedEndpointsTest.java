package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;

class TrackedEndpointsTest {

    private static final IPv4Address POOL = IPv4Address.of("203.0.113.10");
    private static final IPv4Address HOST = IPv4Address.of("10.0.0.11");

    @Test
    void anEndpointIsFoundByProtocolAddressAndPortUntilItIsTooOld() {
        TrackedEndpoints t = new TrackedEndpoints(10, 1_000);
        t.learn(Protocol.UDP, POOL, 3072, HOST, 5000, 0);
        assertThat(t.lookup(Protocol.UDP, POOL, 3072, 1_000)).map(TrackedEndpoints.Inside::port).contains(5000);
        assertThat(t.lookup(Protocol.TCP, POOL, 3072, 0)).as("another protocol").isEmpty();
        assertThat(t.lookup(Protocol.UDP, POOL, 3073, 0)).isEmpty();
        assertThat(t.lookup(Protocol.UDP, POOL, 3072, 1_001)).as("older than the longest timeout").isEmpty();
        assertThat(t.publicPort(Protocol.UDP, HOST, 5000, 1_000)).as("and back").contains(3072);
        t.learn(Protocol.UDP, POOL, 3072, HOST, 5001, 2_000);
        assertThat(t.lookup(Protocol.UDP, POOL, 3072, 2_500)).map(TrackedEndpoints.Inside::port).contains(5001);
        assertThat(t.publicPort(Protocol.UDP, HOST, 5000, 2_500)).as("its port went to another").isEmpty();
        assertThat(t.publicPort(Protocol.UDP, HOST, 5001, 2_500)).contains(3072);
    }

    @Test
    void theLeastRecentlyLearnedGoFirstPastTheCapacity() {
        TrackedEndpoints t = new TrackedEndpoints(3, Long.MAX_VALUE);
        for (int port = 3072; port < 3076; port++) {
            t.learn(Protocol.UDP, POOL, port, HOST, port + 1000, 0);
        }
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.lookup(Protocol.UDP, POOL, 3072, 0)).isEmpty();
        t.learn(Protocol.UDP, POOL, 3073, HOST, 1, 0); // learned again: the newest now
        t.learn(Protocol.UDP, POOL, 3080, HOST, 2, 0);
        assertThat(t.lookup(Protocol.UDP, POOL, 3073, 0)).isPresent();
        assertThat(t.lookup(Protocol.UDP, POOL, 3074, 0)).isEmpty();
        assertThat(t.publicPort(Protocol.UDP, HOST, 4074, 0)).as("evicted both ways").isEmpty();
    }
}
