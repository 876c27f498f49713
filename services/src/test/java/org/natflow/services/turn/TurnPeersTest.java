package org.natflow.services.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.Uplink;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

/** Which peers the TURN server relays to: a secure default, with exceptions that cannot open the gateway. */
class TurnPeersTest {

    private static final GatewayConfig GATEWAY = new GatewayConfig(List.of(IPv4AddressWithMask.of("10.0.0.0/24")),
            IPv4Address.of("10.0.0.1"), MacAddress.of("02:6e:66:00:00:01"), MacAddress.of("02:6e:66:00:00:02"),
            List.of(IPv4Address.of("203.0.113.10")), List.of(Uplink.named("s1-eth1", List.of())),
            IPv4AddressWithMask.of("203.0.113.0/24"), IPv4Address.of("203.0.113.1"));

    private static TurnPeers peers(List<String> allowed) {
        TurnConfig config = new TurnConfig(3478, "natflow", Map.of(), null, 10, 100, 0, 600, 3600, TurnConfig.DENIED,
                allowed.stream().map(IPv4AddressWithMask::of).toList());
        return new TurnPeers(GATEWAY, config, null, IPv4Address.of("203.0.113.10"), Clock.systemUTC(), () -> null);
    }

    private static boolean forbidden(TurnPeers p, String ip) throws Exception {
        return p.forbidden(InetAddress.getByName(ip));
    }

    @Test
    void privateSharedSpecialUplinkAndGatewayAddressesAreRefusedByDefault() throws Exception {
        TurnPeers p = peers(List.of());
        for (String ip : List.of("10.0.1.5", "172.16.0.1", "192.168.1.1", "100.64.0.1", "198.18.0.1", "240.0.0.1",
                "192.0.0.1", "192.0.2.7", "198.51.100.7", "203.0.113.1", "203.0.113.20", "203.0.113.10", "10.0.0.2",
                "127.0.0.1", "169.254.100.1", "224.0.0.1", "255.255.255.255", "0.1.2.3")) {
            assertThat(forbidden(p, ip)).as(ip).isTrue();
        }
        assertThat(forbidden(p, "8.8.8.8")).as("a global address").isFalse();
        assertThat(forbidden(p, "::1")).as("IPv6: not served").isTrue();
    }

    @Test
    void allowedRangesOpenDeniedSpaceButNeverTheGatewaysOwn() throws Exception {
        TurnPeers p = peers(List.of("203.0.113.0/24", "10.0.0.0/8", "127.0.0.0/8"));
        assertThat(forbidden(p, "203.0.113.20")).as("a peer on the uplink subnet, allowed").isFalse();
        assertThat(forbidden(p, "10.1.2.3")).as("private space allowed").isFalse();
        assertThat(forbidden(p, "203.0.113.10")).as("the pool, never").isTrue();
        assertThat(forbidden(p, "10.0.0.2")).as("the inside networks, never").isTrue();
        assertThat(forbidden(p, "10.0.0.1")).as("the gateway, never").isTrue();
        assertThat(forbidden(p, "127.0.0.1")).as("loopback, never").isTrue();
    }
}
