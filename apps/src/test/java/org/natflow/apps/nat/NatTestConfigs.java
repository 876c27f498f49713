package org.natflow.apps.nat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.Uplink;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** NAT configurations for tests: inside 10.0.0.0/24 behind 10.0.0.1, uplink s1-eth1 on 203.0.113.0/24. */
public final class NatTestConfigs {

    private NatTestConfigs() {
    }

    /** The gateway with this pool and these uplinks. */
    public static GatewayConfig gateway(List<IPv4Address> pool, List<Uplink> uplinks) {
        return new GatewayConfig(List.of(IPv4AddressWithMask.of("10.0.0.0/24")), IPv4Address.of("10.0.0.1"),
                MacAddress.of("02:6e:66:00:00:01"), MacAddress.of("02:6e:66:00:00:02"), pool, uplinks,
                IPv4AddressWithMask.of("203.0.113.0/24"), IPv4Address.of("203.0.113.1"));
    }

    /** A NAT on the controller datapath, endpoint-independent, no new-flow limit, one uplink s1-eth1. */
    public static NatConfig config(int portMin, int portMax, int perHost, String... pool) {
        return config(gateway(Addresses.pool(List.of(pool)), List.of(Uplink.named("s1-eth1", List.of()))), portMin,
                portMax, perHost);
    }

    /** A NAT for a gateway on the controller datapath, endpoint-independent, no new-flow limit. */
    public static NatConfig config(GatewayConfig gateway, int portMin, int portMax, int perHost) {
        return new NatConfig(gateway, portMin, portMax, perHost, Filtering.ENDPOINT_INDEPENDENT,
                new NatConfig.Timeouts(Duration.ofSeconds(300), Duration.ofSeconds(7440), Duration.ofSeconds(240),
                        Duration.ofSeconds(60)), Duration.ofSeconds(120), 0, 65_536, NatDatapath.CONTROLLER);
    }

    /** The same NAT with a new-flow rate per host and a bound on the hosts that get a meter and bucket each. */
    public static NatConfig metered(NatConfig c, int newFlowRate, int maxHosts) {
        return new NatConfig(c.gateway(), c.portMin(), c.portMax(), c.portsPerHost(), c.filtering(), c.timeouts(),
                c.quarantine(), newFlowRate, maxHosts, c.datapath());
    }

    /** A mapping table over a fresh port registry for a config. */
    public static MappingTable table(NatConfig config, Clock clock) {
        return new MappingTable(config.publicPorts(clock), clock);
    }

    /** A border (dpid 1, uplink port 1) translating to every pool address of a config. */
    public static Border border(NatConfig config) {
        return border(config.publicAddresses());
    }

    /** A border (dpid 1, uplink port 1) translating to every address of a port registry's pool. */
    public static Border border(PublicPorts ports) {
        return border(ports.pool());
    }

    private static Border border(List<IPv4Address> addresses) {
        return new Border(new Dpid(1), OFFactories.getFactory(OFVersion.OF_13), OFPort.of(1), addresses);
    }
}
