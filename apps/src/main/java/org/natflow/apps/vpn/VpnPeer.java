package org.natflow.apps.vpn;

import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * A peer of the VPN and the address it borrows.
 *
 * @param id             assigned by the store (0 before)
 * @param name           what the operator calls it
 * @param publicKey      its WireGuard public key, base64
 * @param address        the address it is lent
 * @param allowedSources remote prefixes that may reach it (empty: anyone)
 * @param createdMillis  when it was created (the lease's start)
 */
public record VpnPeer(long id, String name, String publicKey, IPv4Address address,
                      List<IPv4AddressWithMask> allowedSources, long createdMillis) {

    public VpnPeer {
        allowedSources = List.copyOf(allowedSources);
    }

    /** The same peer with another id. */
    public VpnPeer withId(long newId) {
        return new VpnPeer(newId, name, publicKey, address, allowedSources, createdMillis);
    }
}
