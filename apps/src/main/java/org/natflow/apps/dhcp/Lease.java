package org.natflow.apps.dhcp;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * An address given to a client: offered (held for it a short while) or bound (until it expires).
 *
 * @param address       the address
 * @param mac           the client's hardware address
 * @param clientId      the client identifier (option 61, hex), or "01" and the MAC when it sends none
 * @param hostname      the name the client gave (option 12), or empty
 * @param expiresMillis when the lease (or the offer) ends
 * @param bound         whether the client took it (an ACK was sent); else only offered
 */
public record Lease(IPv4Address address, MacAddress mac, String clientId, String hostname, long expiresMillis,
                    boolean bound) {

    public Lease {
        hostname = hostname == null ? "" : hostname;
    }

    /** Whether it still holds its address at {@code nowMillis}. */
    public boolean validAt(long nowMillis) {
        return expiresMillis > nowMillis;
    }
}
