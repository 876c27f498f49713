package org.natflow.rest.vpn;

import java.util.List;
import org.natflow.rest.errors.RequestFields;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The body of POST.
 *
 * @param name           what the operator calls the peer (required)
 * @param publicKey      the client's WireGuard public key; absent: natflow generates a key pair
 * @param allowedSources remote prefixes that may reach the peer's address (default: anyone)
 */
public record VpnPeerRequest(String name, String publicKey, List<String> allowedSources) {

    /** The allowed sources, checked. */
    List<IPv4AddressWithMask> sources() {
        return RequestFields.prefixes("allowedSources", allowedSources, org.natflow.apps.vpn.VpnService.MAX_SOURCES);
    }
}
