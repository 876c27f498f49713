package org.natflow.rest.config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.natflow.apps.nat.Addresses;
import org.natflow.apps.nat.Filtering;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatDatapath;
import org.natflow.apps.nat.Uplink;
import org.projectfloodlight.openflow.types.MacAddress;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Dynamic NAPT ({@code natflow.nat.*}). NAT is on when {@code public-addresses} is set.
 *
 * @param insideNetworks  inside prefixes (CIDR list); other sources are dropped as spoofed
 * @param gatewayAddress  the inside hosts' default gateway; natflow answers ARP for it
 * @param gatewayMac      the gateway's MAC on the inside
 * @param uplinkMac       the gateway's MAC on the uplink (what the public side sees for the pool)
 * @param publicAddresses the pool: addresses and ranges ({@code 203.0.113.10-203.0.113.13})
 * @param uplinkPort      name of the border switch's port facing the public side, e.g. {@code s1-eth1} (one
 *                        border with the whole pool; or use {@code uplinks})
 * @param uplinks         several borders: {@code PORT[=ADDRESSES]} each, PORT a port name or
 *                        {@code DPID/NUMBER}, ADDRESSES that border's pool addresses and ranges joined by
 *                        {@code +}; uplinks without addresses share the rest of the pool
 * @param publicNetwork   CIDR of the uplink subnet
 * @param upstreamGateway next hop for destinations outside the uplink subnet
 * @param portRange       public ports handed out, {@code min-max}
 * @param portsPerHost    most mappings per inside address and protocol
 * @param filtering       inbound filtering: {@code endpoint-independent} (default), {@code address-dependent}
 *                        or {@code address-and-port-dependent} (RFC 4787 section 5)
 * @param timeouts        idle timeouts per protocol
 * @param quarantine      a released port is not given to another inside host for this long
 * @param newFlowRate     new flows per inside host and second (a meter in the switch, a token bucket in the
 *                        controller): one host's flood cannot starve the others; 0: unlimited
 * @param datapath        {@code controller} (default: the controller translates each new flow with rewrite flows)
 *                        or {@code conntrack} (each inside host gets a block of {@code ports-per-host} ports
 *                        once; Open vSwitch's connection tracker translates every connection in it)
 */
@ConfigurationProperties("natflow.nat")
public record NatProperties(
        @DefaultValue List<String> insideNetworks,
        String gatewayAddress,
        @DefaultValue("02:6e:66:00:00:01") String gatewayMac,
        @DefaultValue("02:6e:66:00:00:02") String uplinkMac,
        @DefaultValue List<String> publicAddresses,
        String uplinkPort,
        @DefaultValue List<String> uplinks,
        String publicNetwork,
        String upstreamGateway,
        @DefaultValue("1024-65535") String portRange,
        @DefaultValue("2048") int portsPerHost,
        @DefaultValue("endpoint-independent") Filtering filtering,
        @DefaultValue Timeouts timeouts,
        @DefaultValue("120s") Duration quarantine,
        @DefaultValue("200") int newFlowRate,
        @DefaultValue("controller") String datapath) {

    /**
     * Idle timeouts.
     *
     * @param udp            UDP mappings (RFC 4787 REQ-5: at least 2 minutes)
     * @param tcpEstablished established TCP (RFC 5382 REQ-5: at least 2 h 4 min)
     * @param tcpTransitory  TCP during set-up and after FIN/RST (RFC 5382: at least 4 min)
     * @param icmp           ICMP query mappings (RFC 5508 REQ-1: at least 60 s)
     */
    public record Timeouts(@DefaultValue("300s") Duration udp, @DefaultValue("7440s") Duration tcpEstablished,
                           @DefaultValue("240s") Duration tcpTransitory, @DefaultValue("60s") Duration icmp) {
    }

    /** Validates and converts; every message names the property at fault. */
    public NatConfig toConfig() {
        require(gatewayAddress, "gateway-address");
        List<Uplink> ups = new java.util.ArrayList<>();
        if (uplinkPort != null && !uplinkPort.isBlank()) {
            ups.add(Uplink.named(uplinkPort.trim(), List.of()));
        }
        for (String spec : uplinks) {
            try {
                ups.add(Uplink.parse(spec));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("natflow.nat.uplinks: " + e.getMessage());
            }
        }
        if (ups.isEmpty()) {
            throw new IllegalArgumentException("natflow.nat.uplink-port or natflow.nat.uplinks is required when"
                    + " public-addresses is set");
        }
        require(publicNetwork, "public-network");
        require(upstreamGateway, "upstream-gateway");
        int[] range = Addresses.portRange(portRange);
        return new NatConfig(insideNetworks.stream().map(Addresses::prefix).toList(),
                Addresses.address(gatewayAddress), mac(gatewayMac, "gateway-mac"), mac(uplinkMac, "uplink-mac"),
                Addresses.pool(publicAddresses), ups, Addresses.prefix(publicNetwork),
                Addresses.address(upstreamGateway), range[0], range[1], portsPerHost, filtering,
                new NatConfig.Timeouts(timeouts.udp(), timeouts.tcpEstablished(), timeouts.tcpTransitory(),
                        timeouts.icmp()), quarantine, newFlowRate, NatDatapath.parse(datapath));
    }

    private static void require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("natflow.nat." + name + " is required when public-addresses is set");
        }
    }

    private static MacAddress mac(String s, String name) {
        try {
            return MacAddress.of(s.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("natflow.nat." + name + ": not a MAC address: '" + s + "'");
        }
    }

    /** The clock mappings are stamped with. */
    static Clock clock() {
        return Clock.systemUTC();
    }
}
