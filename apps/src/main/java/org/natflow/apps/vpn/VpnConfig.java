package org.natflow.apps.vpn;

import java.time.Duration;
import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * What the VPN lends and where it runs.
 *
 * @param addresses  the addresses it lends, in order (in the uplink subnet, outside the pool)
 * @param port       the tunnel's UDP port on the first pool address
 * @param linkPort   the name of the border switch's port to the VPN's namespace
 * @param quarantine how long a deleted peer's address is kept from new peers
 * @param keepalive  the persistent keepalive given to clients, seconds (0: none)
 */
public record VpnConfig(List<IPv4Address> addresses, int port, String linkPort, Duration quarantine, int keepalive) {

    public VpnConfig {
        addresses = List.copyOf(addresses);
    }
}
