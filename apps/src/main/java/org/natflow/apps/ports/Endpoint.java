package org.natflow.apps.ports;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * An IPv4 transport endpoint.
 *
 * @param address the address
 * @param port    the port
 */
public record Endpoint(IPv4Address address, int port) {

    @Override
    public String toString() {
        return address + ":" + port;
    }
}
