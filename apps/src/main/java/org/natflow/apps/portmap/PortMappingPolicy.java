package org.natflow.apps.portmap;

import java.time.Duration;
import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * What inside hosts may ask for, whichever protocol they ask with.
 *
 * @param insideNetworks  the inside prefixes whose hosts may ask (empty: every inside host)
 * @param publicPortMin   lowest public port a mapping may have
 * @param publicPortMax   highest
 * @param insidePortMin   lowest inside port a mapping may lead to
 * @param insidePortMax   highest
 * @param minLifetime     the shortest lifetime granted (shorter requests, but for deletes, get this)
 * @param maxLifetime     the longest lifetime granted (longer requests get this)
 * @param maxPerHost      most mappings one inside host may hold (all protocols together)
 * @param thirdPartyFrom  the inside prefixes whose hosts may ask for mappings of other hosts (PCP's THIRD_PARTY;
 *                        empty: none may)
 */
public record PortMappingPolicy(List<IPv4AddressWithMask> insideNetworks, int publicPortMin, int publicPortMax,
                                int insidePortMin, int insidePortMax, Duration minLifetime, Duration maxLifetime,
                                int maxPerHost, List<IPv4AddressWithMask> thirdPartyFrom) {

    public PortMappingPolicy {
        insideNetworks = List.copyOf(insideNetworks);
        thirdPartyFrom = List.copyOf(thirdPartyFrom);
        if (publicPortMin < 1 || publicPortMax > 65535 || publicPortMin > publicPortMax) {
            throw new IllegalArgumentException("publicPorts: a range within 1-65535");
        }
        if (insidePortMin < 1 || insidePortMax > 65535 || insidePortMin > insidePortMax) {
            throw new IllegalArgumentException("insidePorts: a range within 1-65535");
        }
        if (minLifetime.isNegative() || minLifetime.compareTo(maxLifetime) > 0) {
            throw new IllegalArgumentException("minLifetime: between 0 and the longest lifetime");
        }
    }

    /** A policy with any inside port, no shortest lifetime and no third parties. */
    public PortMappingPolicy(List<IPv4AddressWithMask> insideNetworks, int publicPortMin, int publicPortMax,
                             Duration maxLifetime, int maxPerHost) {
        this(insideNetworks, publicPortMin, publicPortMax, 1, 65535, Duration.ZERO, maxLifetime, maxPerHost,
                List.of());
    }

    /** Whether an inside host may ask. */
    public boolean admits(IPv4Address host) {
        return insideNetworks.isEmpty() || insideNetworks.stream().anyMatch(n -> n.contains(host));
    }

    /** Whether an inside host may ask for another's mappings. */
    public boolean admitsThirdParty(IPv4Address requester) {
        return thirdPartyFrom.stream().anyMatch(n -> n.contains(requester));
    }

    /** Whether a mapping may lead to this inside port. */
    public boolean admitsInsidePort(int port) {
        return port >= insidePortMin && port <= insidePortMax;
    }

    /** The lifetime granted for one asked for (not 0). */
    public long grant(long askedSecs) {
        return Math.max(Math.max(1, minLifetime.toSeconds()), Math.min(askedSecs, maxLifetime.toSeconds()));
    }
}
