package org.natflow.apps.dhcp;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * A static binding: the client with this hardware address always gets this address.
 *
 * @param id          its id (0 before it is stored)
 * @param mac         the client's hardware address
 * @param address     its address (inside a DHCP network; need not be in a range)
 * @param hostname    a name for it (empty: the client's own)
 * @param description free text
 */
public record Reservation(long id, MacAddress mac, IPv4Address address, String hostname, String description) {

    public Reservation {
        hostname = hostname == null ? "" : hostname;
        description = description == null ? "" : description;
    }

    public Reservation withId(long id) {
        return new Reservation(id, mac, address, hostname, description);
    }
}
