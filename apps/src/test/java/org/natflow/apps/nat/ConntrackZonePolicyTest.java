package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConntrackZonePolicyTest {

    private final NatConfig.Timeouts timeouts = new NatConfig.Timeouts(Duration.ofSeconds(300),
            Duration.ofSeconds(7440), Duration.ofSeconds(240), Duration.ofSeconds(60));

    @Test
    void theZoneGetsNatflowsTimeoutsPerTrackerState() {
        ConntrackZonePolicy p = new ConntrackZonePolicy(timeouts, "netdev");
        assertThat(p.settings()).contains("udp_first=300", "udp_single=300", "udp_multiple=300",
                "tcp_established=7440", "tcp_syn_sent=240", "tcp_fin_wait=240", "tcp_time_wait=240", "icmp_reply=60");
        assertThat(p.deletePolicy()).containsExactly("--if-exists", "del-zone-tp", "netdev", "zone=28262");
        assertThat(p.addPolicy()).containsSequence("add-zone-tp", "netdev", "zone=28262", "udp_first=300");
        assertThat(p.datapathQuery()).containsExactly("--if-exists", "get", "Open_vSwitch", ".", "datapaths:netdev");
        assertThat(p.createDatapath()).contains("datapaths:netdev=@dp");
    }

    @Test
    void aDatapathTypeThatIsNotAKeyIsRefused() {
        assertThatThrownBy(() -> new ConntrackZonePolicy(timeouts, "netdev; reboot"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("datapath-type");
    }
}
