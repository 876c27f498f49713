package org.natflow.apps.intercept;

import java.util.List;
import org.natflow.apps.ports.PortRange;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * Which new inside TCP connections are intercepted: from any of {@code sources}, to any of {@code destinations}
 * (none: anywhere beyond the uplink), on any of {@code ports}.
 *
 * @param id           the rule's id (0 before it is stored)
 * @param sources      inside prefixes the clients are in
 * @param destinations server prefixes; empty for any
 * @param ports        destination ports or ranges
 * @param enabled      whether it intercepts now
 * @param fallback     what its traffic does while the splicer cannot take it
 * @param description  free text
 */
public record InterceptRule(long id, List<IPv4AddressWithMask> sources, List<IPv4AddressWithMask> destinations,
                            List<PortRange> ports, boolean enabled, Fallback fallback, String description) {

    public InterceptRule {
        sources = List.copyOf(sources);
        destinations = List.copyOf(destinations);
        ports = List.copyOf(ports);
        description = description == null ? "" : description;
    }

    /** The same rule with id {@code id}. */
    public InterceptRule withId(long id) {
        return new InterceptRule(id, sources, destinations, ports, enabled, fallback, description);
    }

    /** Whether a connection from {@code src} to {@code dst:port} is this rule's. */
    public boolean matches(IPv4Address src, IPv4Address dst, int port) {
        return sources.stream().anyMatch(p -> p.contains(src))
                && (destinations.isEmpty() || destinations.stream().anyMatch(p -> p.contains(dst)))
                && ports.stream().anyMatch(r -> r.contains(port));
    }

    /** Whether some connection would match both rules. */
    public boolean overlaps(InterceptRule o) {
        return sources.stream().anyMatch(a -> o.sources.stream().anyMatch(b -> overlap(a, b)))
                && (destinations.isEmpty() || o.destinations.isEmpty()
                    || destinations.stream().anyMatch(a -> o.destinations.stream().anyMatch(b -> overlap(a, b))))
                && ports.stream().anyMatch(a -> o.ports.stream().anyMatch(a::overlaps));
    }

    /** Two prefixes overlap when one contains the other's network address. */
    static boolean overlap(IPv4AddressWithMask a, IPv4AddressWithMask b) {
        return a.contains(b.getValue()) || b.contains(a.getValue());
    }
}
