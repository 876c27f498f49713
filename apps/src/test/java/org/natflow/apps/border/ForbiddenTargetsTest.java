package org.natflow.apps.border;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.NatTestConfigs;
import org.projectfloodlight.openflow.types.IPv4Address;

/** What natflow's services never reach, as IPv4 addresses and as Java's addresses alike. */
class ForbiddenTargetsTest {

    private final GatewayConfig gateway = NatTestConfigs.gateway(List.of(IPv4Address.of("203.0.113.10")),
            List.of(Uplink.named("s1-eth1", List.of())));

    @Test
    void insideNatflowAndSpecialAddressesAreForbiddenTheRestIsNot() throws Exception {
        for (String a : List.of("10.0.0.7", "10.0.0.1", "203.0.113.10", "127.0.0.1", "0.0.0.0", "0.1.2.3",
                "169.254.100.1", "224.0.0.1", "239.255.255.250", "255.255.255.255")) {
            assertThat(ForbiddenTargets.always(gateway, IPv4Address.of(a))).as(a).isTrue();
            assertThat(ForbiddenTargets.always(gateway, InetAddress.getByName(a))).as(a).isTrue();
        }
        for (String a : List.of("203.0.113.20", "198.51.100.7", "192.0.2.1", "10.1.0.1", "169.255.0.1")) {
            assertThat(ForbiddenTargets.always(gateway, IPv4Address.of(a))).as(a).isFalse();
            assertThat(ForbiddenTargets.always(gateway, InetAddress.getByName(a))).as(a).isFalse();
        }
        assertThat(ForbiddenTargets.always(gateway, InetAddress.getByName("::1"))).as("IPv6").isTrue();
    }
}
