package org.natflow.apps.border;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * A public address held whole by one inside host, beside the pool: a 1:1 static NAT (and, later, an address
 * a VPN peer borrows). One border serves it, the one that owns the pool address {@code via}: it answers ARP
 * for the address on its uplink and translates it.
 *
 * @param publicAddress the address on the public side
 * @param inside        the inside host it leads to
 * @param via           the pool address whose border serves it
 * @param holder        who holds it, for conflict messages ("static NAT 3"); one holder has one address
 * @param active        whether it is in effect (answered for, translated); an inactive one stays held
 * @param range         the reserved range it is lent from ({@link HostAddresses#reserveRange}), or null
 * @param location      where the border delivers traffic to it when that is no inside host's place (a VPN
 *                      peer's: the VPN link), or null
 */
public record HostAddress(IPv4Address publicAddress, IPv4Address inside, IPv4Address via, String holder,
                          boolean active, String range, HostLocation location) {

    /** An address held outside any reserved range, leading to an inside host. */
    public HostAddress(IPv4Address publicAddress, IPv4Address inside, IPv4Address via, String holder,
                       boolean active) {
        this(publicAddress, inside, via, holder, active, null, null);
    }
}
