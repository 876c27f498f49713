package org.natflow.apps.dhcp;

import java.util.Objects;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * An inside address a MAC may send from: its bound lease, or its reservation.
 *
 * @param mac     the client's MAC
 * @param address the address
 */
public record Binding(MacAddress mac, IPv4Address address) {

    public Binding {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(address, "address");
    }
}
