package org.natflow.apps.nat;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * A remote endpoint an inside endpoint has sent to, which filtering lets back in: the address alone
 * (address-dependent filtering, {@code port} -1) or address and port.
 *
 * @param address remote address
 * @param port    remote port, or -1 for any
 */
public record Remote(IPv4Address address, int port) {

    /** The remote a filtering mode records for a destination; null for endpoint-independent filtering. */
    static Remote of(Filtering filtering, IPv4Address address, int port) {
        return switch (filtering) {
            case ENDPOINT_INDEPENDENT -> null;
            case ADDRESS_DEPENDENT -> new Remote(address, -1);
            case ADDRESS_AND_PORT_DEPENDENT -> new Remote(address, port);
        };
    }
}
