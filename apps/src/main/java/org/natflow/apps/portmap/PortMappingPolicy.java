package org.natflow.apps.portmap;

import java.time.Duration;
import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * What inside hosts may ask for.
 *
 * @param insideNetworks  the inside prefixes whose hosts may ask (empty: every inside host)
 * @param publicPortMin   lowest public port a mapping may have
 * @param publicPortMax   highest
 * @param maxLifetime     the longest lifetime granted (longer requests get this)
 * @param maxPerHost      most mappings one inside host may hold
 */
public record PortMappingPolicy(List<IPv4AddressWithMask> insideNetworks, int publicPortMin, int publicPortMax,
                                Duration maxLifetime, int maxPerHost) {

    public PortMappingPolicy {
        insideNetworks = List.copyOf(insideNetworks);
        if (publicPortMin < 1 || publicPortMax > 65535 || publicPortMin > publicPortMax) {
            throw new IllegalArgumentException("natflow.natpmp.public-ports: a range within 1-65535");
        }
    }

    /** Whether an inside host may ask. */
    public boolean admits(IPv4Address host) {
        return insideNetworks.isEmpty() || insideNetworks.stream().anyMatch(n -> n.contains(host));
    }
}
