package org.natflow.apps.border;

import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Who the gateway is, validated: its addresses and MACs on both sides, the pool, and the uplinks that make
 * switches borders. What every border app (NAT, forwards, relays, the service link, the proxies) shares;
 * the NAT's own settings are in {@code NatConfig}.
 *
 * @param insideNetworks  inside prefixes; sources outside them are dropped as spoofed
 * @param gatewayAddress  the inside hosts' default gateway
 * @param insideMac       the gateway's MAC on the inside
 * @param outsideMac      the gateway's MAC on the uplink
 * @param publicAddresses the pool, in order; the first is also the gateway's own address on the uplink
 * @param uplinks         the ports facing the public side, each with its pool addresses (resolved: see
 *                        {@link Uplinks#resolve}); the switch with one is a border
 * @param publicNetwork   the uplink subnet
 * @param upstreamGateway next hop for everything outside the uplink subnet
 */
public record GatewayConfig(List<IPv4AddressWithMask> insideNetworks, IPv4Address gatewayAddress,
                            MacAddress insideMac, MacAddress outsideMac, List<IPv4Address> publicAddresses,
                            List<Uplink> uplinks, IPv4AddressWithMask publicNetwork, IPv4Address upstreamGateway) {

    public GatewayConfig {
        insideNetworks = List.copyOf(insideNetworks);
        publicAddresses = AddressList.of(publicAddresses);
        if (insideNetworks.isEmpty()) {
            throw new IllegalArgumentException("natflow.nat.inside-networks: at least one prefix");
        }
        if (publicAddresses.isEmpty()) {
            throw new IllegalArgumentException("natflow.nat.public-addresses: at least one address");
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

    /**
     * Why an address cannot be an inside host that a rule leads to (outside the inside networks, the gateway,
     * a network or broadcast address), or empty when it can.
     */
    public java.util.Optional<String> insideHostProblem(IPv4Address a) {
        if (a == null || !isInside(a)) {
            return java.util.Optional.of(a + " is not in the inside networks " + insideNetworks);
        }
        if (a.equals(gatewayAddress)) {
            return java.util.Optional.of(a + " is the gateway itself");
        }
        for (IPv4AddressWithMask n : insideNetworks) {
            boolean hasHosts = n.getMask().asCidrMaskLength() < 31;
            if (hasHosts && n.contains(a) && (a.equals(n.getValue().and(n.getMask()))
                    || a.equals(n.getValue().or(n.getMask().not())))) {
                return java.util.Optional.of(a + " is the network or broadcast address of " + n + ", not a host");
            }
        }
        return java.util.Optional.empty();
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
