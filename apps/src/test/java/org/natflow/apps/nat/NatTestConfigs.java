package org.natflow.apps.nat;

import java.time.Duration;
import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

/** NAT configurations for tests. */
public final class NatTestConfigs {

    private NatTestConfigs() {
    }

    static NatConfig config(int portMin, int portMax, int perHost, String... pool) {
        return new NatConfig(List.of(IPv4AddressWithMask.of("10.0.0.0/24")), IPv4Address.of("10.0.0.1"),
                MacAddress.of("02:6e:66:00:00:01"), MacAddress.of("02:6e:66:00:00:02"),
                Addresses.pool(List.of(pool)), List.of(Uplink.named("s1-eth1", List.of())), IPv4AddressWithMask.of("203.0.113.0/24"),
                IPv4Address.of("203.0.113.1"), portMin, portMax, perHost, Filtering.ENDPOINT_INDEPENDENT,
                new NatConfig.Timeouts(Duration.ofSeconds(300), Duration.ofSeconds(7440), Duration.ofSeconds(240),
                        Duration.ofSeconds(60)), Duration.ofSeconds(120), 0);
    }

    /** A border (dpid 1, uplink port 1) translating to every address of a table's pool. */
    public static Border border(SessionTable table) {
        return border(table.config());
    }

    /** A border (dpid 1, uplink port 1) translating to every pool address of a config. */
    public static Border border(NatConfig config) {
        return new Border(new org.natflow.controller.api.Dpid(1),
                org.projectfloodlight.openflow.protocol.OFFactories.getFactory(
                        org.projectfloodlight.openflow.protocol.OFVersion.OF_13),
                org.projectfloodlight.openflow.types.OFPort.of(1), config.publicAddresses());
    }
}
