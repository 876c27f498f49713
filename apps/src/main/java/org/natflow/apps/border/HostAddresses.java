package org.natflow.apps.border;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The public addresses outside the pool that inside hosts hold whole ({@link HostAddress}): which border
 * answers ARP for each, where hairpinned traffic to one goes, and who holds an address when another rule wants
 * it. Reads are map lookups (the packet-in path uses them); claims are serialized.
 */
public final class HostAddresses {

    private final Map<IPv4Address, HostAddress> byPublic = new ConcurrentHashMap<>();
    private final Map<IPv4Address, HostAddress> byInside = new ConcurrentHashMap<>();
    private final Map<IPv4Address, String> ranges = new ConcurrentHashMap<>();

    /**
     * Keeps addresses for one lender (the VPN's range): only holders lending from that range may claim them.
     *
     * @param range how conflict messages name it ("the VPN's addresses (natflow.vpn.addresses)")
     */
    public synchronized void reserveRange(String range, java.util.Collection<IPv4Address> addresses) {
        addresses.forEach(a -> ranges.put(a, range));
    }

    /** The reserved range an address is in, if any. */
    public Optional<String> rangeOf(IPv4Address address) {
        return Optional.ofNullable(ranges.get(address));
    }

    /**
     * Takes an address for a host, unless another holder has the address or the host has one already.
     *
     * @return who holds the address or the host's address already; then nothing changed
     */
    public synchronized Optional<String> claim(HostAddress a) {
        String range = ranges.get(a.publicAddress());
        if (range != null && !range.equals(a.range())) {
            return Optional.of(range);
        }
        HostAddress held = byPublic.get(a.publicAddress());
        if (held != null && !held.holder().equals(a.holder())) {
            return Optional.of(held.holder());
        }
        HostAddress host = a.range() != null ? null : byInside.get(a.inside());
        if (host != null && !host.holder().equals(a.holder())) {
            return Optional.of(host.holder() + ", which gives " + a.inside() + " the address "
                    + host.publicAddress());
        }
        release(a.holder());
        byPublic.put(a.publicAddress(), a);
        if (a.range() == null) {
            byInside.put(a.inside(), a); // a lent address leads to no inside host
        }
        return Optional.empty();
    }

    /** Gives back whatever this holder has. */
    public synchronized void release(String holder) {
        byPublic.values().removeIf(a -> a.holder().equals(holder));
        byInside.values().removeIf(a -> a.holder().equals(holder));
    }

    /** Who holds a public address, if anyone, whether active or not. */
    public Optional<HostAddress> byPublic(IPv4Address publicAddress) {
        return Optional.ofNullable(byPublic.get(publicAddress));
    }

    /** The address an inside host holds, if any. */
    public Optional<HostAddress> byInside(IPv4Address inside) {
        return Optional.ofNullable(byInside.get(inside));
    }

    /** Whether a border serves this address now (answers ARP for it on its uplink). */
    public boolean servedBy(Border border, IPv4Address publicAddress) {
        HostAddress a = byPublic.get(publicAddress);
        return a != null && a.active() && border.owns(a.via());
    }
}
