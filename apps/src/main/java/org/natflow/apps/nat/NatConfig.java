package org.natflow.apps.nat;

import java.time.Duration;
import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * What the NAT needs to know, validated.
 *
 * @param insideNetworks    inside prefixes; sources outside them are dropped as spoofed
 * @param gatewayAddress    the inside hosts' default gateway
 * @param insideMac         the gateway's MAC on the inside
 * @param outsideMac        the gateway's MAC on the uplink
 * @param publicAddresses   the pool, in order; the first is also the gateway's own address on the uplink
 * @param uplinks           the ports facing the public side, each with its pool addresses (resolved: see
 *                          {@link Uplinks#resolve}); the switch with one is a border
 * @param publicNetwork     the uplink subnet
 * @param upstreamGateway   next hop for everything outside the uplink subnet
 * @param portMin           lowest public port handed out
 * @param portMax           highest public port handed out
 * @param portsPerHost      most mappings one inside address may hold (per protocol)
 * @param filtering         inbound filtering
 * @param timeouts          idle timeouts
 * @param quarantine        how long a released port is kept from other inside hosts
 * @param newFlowRate       new flows per inside host and second the gateway takes (in the switch, by meter,
 *                          and in the controller); 0: unlimited
 * @param datapath          where new connections are translated: by the controller's per-flow rewrite flows,
 *                          or by the switch's connection tracker in per-host port blocks of
 *                          {@code portsPerHost} ports
 */
public record NatConfig(List<IPv4AddressWithMask> insideNetworks, IPv4Address gatewayAddress, MacAddress insideMac,
                        MacAddress outsideMac, List<IPv4Address> publicAddresses, List<Uplink> uplinks,
                        IPv4AddressWithMask publicNetwork, IPv4Address upstreamGateway, int portMin, int portMax,
                        int portsPerHost, Filtering filtering, Timeouts timeouts, Duration quarantine,
                        int newFlowRate, NatDatapath datapath) {

    /** A configuration with the controller datapath (per-flow rewrite flows). */
    public NatConfig(List<IPv4AddressWithMask> insideNetworks, IPv4Address gatewayAddress, MacAddress insideMac,
                     MacAddress outsideMac, List<IPv4Address> publicAddresses, List<Uplink> uplinks,
                     IPv4AddressWithMask publicNetwork, IPv4Address upstreamGateway, int portMin, int portMax,
                     int portsPerHost, Filtering filtering, Timeouts timeouts, Duration quarantine, int newFlowRate) {
        this(insideNetworks, gatewayAddress, insideMac, outsideMac, publicAddresses, uplinks, publicNetwork,
                upstreamGateway, portMin, portMax, portsPerHost, filtering, timeouts, quarantine, newFlowRate,
                NatDatapath.CONTROLLER);
    }

    /** The same configuration on another datapath. */
    public NatConfig withDatapath(NatDatapath d) {
        return new NatConfig(insideNetworks, gatewayAddress, insideMac, outsideMac, publicAddresses, uplinks,
                publicNetwork, upstreamGateway, portMin, portMax, portsPerHost, filtering, timeouts, quarantine,
                newFlowRate, d);
    }

    /** Whether connections are translated by the switch's connection tracker. */
    public boolean conntrack() {
        return datapath == NatDatapath.CONNTRACK;
    }

    /**
     * Idle timeouts per protocol (RFC 4787 REQ-5, RFC 5382 REQ-5, RFC 5508 REQ-1).
     *
     * @param udp            UDP mappings
     * @param tcpEstablished established TCP
     * @param tcpTransitory  TCP before establishment and after FIN/RST
     * @param icmp           ICMP query mappings
     */
    public record Timeouts(Duration udp, Duration tcpEstablished, Duration tcpTransitory, Duration icmp) {

        /** The idle timeout for a new mapping of this protocol. */
        public Duration initial(Protocol p) {
            return switch (p) {
                case UDP -> udp;
                case TCP -> tcpEstablished;
                case ICMP -> icmp;
            };
        }
    }

    public NatConfig {
        insideNetworks = List.copyOf(insideNetworks);
        publicAddresses = AddressList.of(publicAddresses);
        if (insideNetworks.isEmpty()) {
            throw new IllegalArgumentException("natflow.nat.inside-networks: at least one prefix");
        }
        if (publicAddresses.isEmpty()) {
            throw new IllegalArgumentException("natflow.nat.public-addresses: at least one address");
        }
        if (portMin < 1 || portMax > 65535 || portMin > portMax) {
            throw new IllegalArgumentException("natflow.nat.port-range: " + portMin + "-" + portMax);
        }
        if (portsPerHost < 1) {
            throw new IllegalArgumentException("natflow.nat.ports-per-host: must be at least 1");
        }
        if (datapath == null) {
            throw new IllegalArgumentException("natflow.nat.datapath: controller or conntrack");
        }
        if (datapath == NatDatapath.CONNTRACK && portsPerHost > portMax - portMin + 1) {
            throw new IllegalArgumentException("natflow.nat.ports-per-host: a block of " + portsPerHost
                    + " ports does not fit the port range " + portMin + "-" + portMax);
        }
        try {
            uplinks = Uplinks.resolve(uplinks, publicAddresses);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("natflow.nat.uplinks: " + e.getMessage(), e);
        }
        for (IPv4Address a : publicAddresses) {
            if (!publicNetwork.contains(a)) {
                throw new IllegalArgumentException("natflow.nat.public-addresses: " + a + " not in public network "
                        + publicNetwork);
            }
        }
        if (!publicNetwork.contains(upstreamGateway)) {
            throw new IllegalArgumentException("natflow.nat.upstream-gateway: " + upstreamGateway
                    + " not in public network " + publicNetwork);
        }
    }

    /** Whether an address is inside. */
    public boolean isInside(IPv4Address a) {
        for (IPv4AddressWithMask n : insideNetworks) {
            if (n.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an address is one of the pool's. */
    public boolean isPublic(IPv4Address a) {
        return publicAddresses.contains(a);
    }

    /** The gateway's own address on the uplink, used as ARP sender there. */
    public IPv4Address uplinkAddress() {
        return publicAddresses.get(0);
    }

    /** The next hop towards a public destination. */
    public IPv4Address nextHop(IPv4Address dst) {
        return publicNetwork.contains(dst) ? dst : upstreamGateway;
    }
}
