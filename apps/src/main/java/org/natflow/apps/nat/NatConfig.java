package org.natflow.apps.nat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.Uplink;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * What the NAT needs to know, validated: the gateway it translates for, and its own settings.
 *
 * @param gateway       the gateway's addresses, MACs, pool and uplinks
 * @param portMin       lowest public port handed out
 * @param portMax       highest public port handed out
 * @param portsPerHost  most mappings one inside address may hold (per protocol)
 * @param filtering     inbound filtering
 * @param timeouts      idle timeouts
 * @param quarantine    how long a released port is kept from other inside hosts
 * @param newFlowRate   new flows per inside host and second the gateway takes (in the switch, by meter,
 *                      and in the controller); 0: unlimited
 * @param maxHosts      most inside hosts with new-flow state of their own (a meter on each border, a token bucket
 *                      in the controller); hosts beyond share one bucket and no meter, so spoofed sources cannot
 *                      grow the controller's or the switch's state without bound
 * @param datapath      where new connections are translated: by the controller's per-flow rewrite flows,
 *                      or by the switch's connection tracker in per-host port blocks of
 *                      {@code portsPerHost} ports
 * @param trackedHairpin on the conntrack datapath, whether new connections are copied to the controller (metered)
 *                      so it can hairpin to the public ports the tracker chose (docs/nat.md); no effect otherwise
 */
public record NatConfig(GatewayConfig gateway, int portMin, int portMax, int portsPerHost, Filtering filtering,
                        Timeouts timeouts, Duration quarantine, int newFlowRate, int maxHosts,
                        NatDatapath datapath, boolean trackedHairpin) {

    /** A configuration with hairpinning on the conntrack datapath (the default). */
    public NatConfig(GatewayConfig gateway, int portMin, int portMax, int portsPerHost, Filtering filtering,
                     Timeouts timeouts, Duration quarantine, int newFlowRate, int maxHosts, NatDatapath datapath) {
        this(gateway, portMin, portMax, portsPerHost, filtering, timeouts, quarantine, newFlowRate, maxHosts, datapath,
                true);
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
        if (gateway == null) {
            throw new IllegalArgumentException("the gateway's addresses are required");
        }
        if (portMin < 1 || portMax > 65535 || portMin > portMax) {
            throw new IllegalArgumentException("natflow.nat.port-range: MIN-MAX with 1 <= MIN <= MAX <= 65535, not "
                    + portMin + "-" + portMax);
        }
        if (portsPerHost < 1) {
            throw new IllegalArgumentException("natflow.nat.ports-per-host: must be at least 1");
        }
        if (maxHosts < 1) {
            throw new IllegalArgumentException("natflow.nat.max-hosts: must be at least 1");
        }
        if (datapath == null) {
            throw new IllegalArgumentException("natflow.nat.datapath: controller or conntrack");
        }
        if (datapath == NatDatapath.CONNTRACK && portsPerHost > portMax - portMin + 1) {
            throw new IllegalArgumentException("natflow.nat.ports-per-host: a block of " + portsPerHost
                    + " ports does not fit the port range " + portMin + "-" + portMax);
        }
    }

    /** The same configuration on another datapath. */
    public NatConfig withDatapath(NatDatapath d) {
        return new NatConfig(gateway, portMin, portMax, portsPerHost, filtering, timeouts, quarantine, newFlowRate, maxHosts,
                d, trackedHairpin);
    }

    /** The same configuration with the conntrack datapath's hairpinning on or off. */
    public NatConfig withTrackedHairpin(boolean on) {
        return new NatConfig(gateway, portMin, portMax, portsPerHost, filtering, timeouts, quarantine, newFlowRate, maxHosts,
                datapath, on);
    }

    /** Whether the conntrack datapath copies new connections to the controller for hairpinning. */
    public boolean tracksForHairpin() {
        return conntrack() && trackedHairpin;
    }

    /** The public-port registry this configuration describes: the pool, the range, the quota, the quarantine. */
    public PublicPorts publicPorts(Clock clock) {
        return new PublicPorts(gateway.publicAddresses(), portMin, portMax, portsPerHost, quarantine, clock);
    }

    /** Whether connections are translated by the switch's connection tracker. */
    public boolean conntrack() {
        return datapath == NatDatapath.CONNTRACK;
    }

    /** Inside prefixes. */
    public List<IPv4AddressWithMask> insideNetworks() {
        return gateway.insideNetworks();
    }

    /** The inside hosts' default gateway. */
    public IPv4Address gatewayAddress() {
        return gateway.gatewayAddress();
    }

    /** The gateway's MAC on the inside. */
    public MacAddress insideMac() {
        return gateway.insideMac();
    }

    /** The gateway's MAC on the uplink. */
    public MacAddress outsideMac() {
        return gateway.outsideMac();
    }

    /** The pool. */
    public List<IPv4Address> publicAddresses() {
        return gateway.publicAddresses();
    }

    /** The configured uplinks, resolved. */
    public List<Uplink> uplinks() {
        return gateway.uplinks();
    }

    /** The uplink subnet. */
    public IPv4AddressWithMask publicNetwork() {
        return gateway.publicNetwork();
    }

    /** The next hop for everything outside the uplink subnet. */
    public IPv4Address upstreamGateway() {
        return gateway.upstreamGateway();
    }

    /** Whether an address is inside. */
    public boolean isInside(IPv4Address a) {
        return gateway.isInside(a);
    }

    /** Whether an address is one of the pool's. */
    public boolean isPublic(IPv4Address a) {
        return gateway.isPublic(a);
    }

    /** The next hop towards a public destination. */
    public IPv4Address nextHop(IPv4Address dst) {
        return gateway.nextHop(dst);
    }
}
