package org.natflow.rest.dhcp;

import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.dhcp.Reservation;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * The body of POST and PUT {@code /api/v1/dhcp/reservations}; each bad field is named.
 *
 * @param mac         the client's hardware address (required)
 * @param address     its address (required), in an inside network
 * @param hostname    a name for it (at most 63 characters: letters, digits, '-')
 * @param description free text
 */
public record ReservationRequest(String mac, String address, String hostname, String description) {

    Reservation toReservation(long id) {
        if (mac == null) {
            throw RuleException.invalid("mac", "is required");
        }
        MacAddress m;
        try {
            m = MacAddress.of(mac);
        } catch (IllegalArgumentException e) {
            throw RuleException.invalid("mac", "'" + mac + "' is not a MAC address");
        }
        if (address == null) {
            throw RuleException.invalid("address", "is required");
        }
        org.projectfloodlight.openflow.types.IPv4Address a;
        try {
            a = Addresses.address(address);
        } catch (IllegalArgumentException e) {
            throw RuleException.invalid("address", "'" + address + "' is not an IPv4 address");
        }
        if (hostname != null && !hostname.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")) {
            throw RuleException.invalid("hostname", "'" + hostname + "' is not a host name label");
        }
        if (description != null && description.length() > 1000) {
            throw RuleException.invalid("description", "at most 1000 characters");
        }
        return new Reservation(id, m, a, hostname, description);
    }
}
