package org.natflow.apps.staticnat;

import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * A 1:1 static NAT: {@code insideAddress} is {@code publicAddress} on the public side, for every protocol and
 * port, both ways.
 *
 * @param id             assigned by the store (0 before)
 * @param publicAddress  an address of the uplink subnet outside the pool
 * @param insideAddress  the inside host
 * @param via            the pool address whose border serves it (answers ARP, translates)
 * @param allowedSources remote prefixes that may open connections to the host; empty: anyone. With a list,
 *                       the remotes the host itself sends to are let back in as well.
 * @param description    free text
 * @param enabled        whether it is in effect (a disabled rule keeps its addresses)
 */
public record StaticNatRule(long id, IPv4Address publicAddress, IPv4Address insideAddress, IPv4Address via,
                            List<IPv4AddressWithMask> allowedSources, String description, boolean enabled) {

    public StaticNatRule {
        allowedSources = List.copyOf(allowedSources);
        description = description == null ? "" : description;
    }

    /** The same rule with another id. */
    public StaticNatRule withId(long newId) {
        return new StaticNatRule(newId, publicAddress, insideAddress, via, allowedSources, description, enabled);
    }

    /** Whether anyone may open connections to the host. */
    public boolean openToAll() {
        return allowedSources.isEmpty();
    }

    /** Whether a remote address falls in the allow list (everyone's does when the list is empty). */
    public boolean allows(IPv4Address remote) {
        return openToAll() || allowedSources.stream().anyMatch(p -> p.contains(remote));
    }

    /** How logs and conflict messages name it. */
    public String describe() {
        return "static NAT " + id + " (" + publicAddress + " <-> " + insideAddress
                + (openToAll() ? "" : " from " + allowedSources) + (enabled ? "" : ", disabled") + ")";
    }
}
