package org.natflow.rest.e2e;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@link NatBehaviourIT} on the conntrack datapath: Open vSwitch's tracker maps and filters per connection;
 * natflow gives its zone the RFC timeouts and hairpins what the tracker translated.
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.nat.datapath=conntrack",
        "natflow.nat.ports-per-host=1024"})
class ConntrackNatBehaviourIT extends NatBehaviourIT {

    @Test
    void theTrackersZoneHasNatflowsTimeoutsWhichAreTheRfcs() {
        // Set by natflow through ovs-vsctl when the border came up (RFC 4787 REQ-5, RFC 5382 REQ-5).
        Poll.until(Duration.ofSeconds(15), "the NAT zone's timeout policy", () -> {
            String tp = net.sh("ovs-vsctl list-zone-tp netdev").out();
            return tp.contains("Zone:28262") && tp.contains("udp_single=300") && tp.contains("udp_multiple=300")
                    && tp.contains("tcp_established=7440") && tp.contains("tcp_fin_wait=240")
                    && tp.contains("tcp_time_wait=240");
        });
    }

    @Override
    String expectedMapping() {
        return "NAT with Address and Port Dependent Mapping!";
    }

    @Override
    String expectedFiltering() {
        return "NAT with Address and Port Dependent Filtering!";
    }
}
