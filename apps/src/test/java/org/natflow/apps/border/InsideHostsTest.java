package org.natflow.apps.border;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.RecordingPacketService;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Where inside hosts are: a cache bounded whatever sources hosts use, and forgotten when not learned again. */
class InsideHostsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final InsideHosts hosts = new InsideHosts(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10")
            .gateway(), new RecordingPacketService(), new FixedSwitchService(), timer);
    private final HostLocation here = new HostLocation(MacAddress.of("02:00:00:00:00:0b"), OFPort.of(2));

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void spoofedSourcesStopAtTheBoundAndKnownHostsStayLearnable() {
        IPv4Address real = IPv4Address.of("10.0.0.11");
        hosts.learn(real, here);
        for (int i = 0; i < InsideHosts.MAX_HOSTS + 5_000; i++) {
            hosts.learn(IPv4Address.of(0x0a100000 + i), here);
        }
        assertThat(hosts.size()).isEqualTo(InsideHosts.MAX_HOSTS);
        HostLocation moved = new HostLocation(MacAddress.of("02:00:00:00:00:0c"), OFPort.of(3));
        hosts.learn(real, moved);
        assertThat(hosts.known(real)).as("a known host is learned again, full or not").contains(moved);
    }

    @Test
    void hostsNotLearnedForTenMinutesAreForgotten() {
        IPv4Address a = IPv4Address.of("10.0.0.11");
        hosts.learn(a, here);
        hosts.forgetIdle(System.nanoTime() + InsideHosts.IDLE_NANOS / 2);
        assertThat(hosts.known(a)).isPresent();
        hosts.forgetIdle(System.nanoTime() + InsideHosts.IDLE_NANOS);
        assertThat(hosts.known(a)).isEmpty();
    }
}
