package org.natflow.services.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.dhcp.Lease;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** DHCP clients' names as the forwarder answers them. */
class LeaseNamesTest {

    @Test
    void theNewestBoundLeaseHasTheNameAndOffersHaveNone() {
        IPv4Address old = IPv4Address.of("10.0.0.100");
        IPv4Address now = IPv4Address.of("10.0.0.102");
        LeaseNames names = new LeaseNames(() -> List.of(
                new Lease(old, MacAddress.of("02:00:00:00:00:01"), "a", "H2", 1_000, true),
                new Lease(now, MacAddress.of("02:00:00:00:00:02"), "b", "h2", 2_000, true),
                new Lease(IPv4Address.of("10.0.0.103"), MacAddress.of("02:00:00:00:00:03"), "c", "offered", 3_000,
                        false)));
        assertThat(names.address("h2")).as("the client back with another address").contains(now);
        assertThat(names.address("offered")).as("an offer is not a name yet").isEmpty();
        assertThat(names.hostname(old)).contains("h2");
        assertThat(names.hostname(IPv4Address.of("10.0.0.104"))).isEmpty();
    }
}
