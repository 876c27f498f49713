package org.natflow.apps.dhcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Who has which address: leases (offered or bound) by address and by client, reservations by MAC, addresses
 * declined and held back. Decides the address a client gets (RFC 2131 4.3.1): its reservation; else its current
 * or last address if still free; else the one it asks for if free; else the first free one. Never an address
 * outside the ranges (a reservation's excepted), never one validly leased to another client, reserved for
 * another MAC, declined lately, or pinned by another app (a port forward's inside host). Thread-safe.
 */
public final class LeaseTable {

    private final List<DhcpRange> ranges;
    private final Predicate<IPv4Address> pinned;
    private final Map<IPv4Address, Lease> byAddress = new HashMap<>();
    private final Map<String, Lease> byClient = new HashMap<>();
    private final Map<MacAddress, Reservation> reservations = new HashMap<>();
    private final Map<IPv4Address, Reservation> reservedAddresses = new HashMap<>();
    private final Map<IPv4Address, Long> declined = new HashMap<>();
    private final List<IPv4Address> gateway;
    private int cursor;

    /**
     * @param ranges  the ranges handed out
     * @param pinned  addresses another app relies on (never handed out unless reserved)
     * @param gateway addresses never handed out (the gateway's)
     */
    public LeaseTable(List<DhcpRange> ranges, Predicate<IPv4Address> pinned, List<IPv4Address> gateway) {
        this.ranges = List.copyOf(ranges);
        this.pinned = pinned;
        this.gateway = List.copyOf(gateway);
    }

    /** Loads stored leases and reservations (at start). */
    public synchronized void load(List<Lease> leases, List<Reservation> rs) {
        rs.forEach(this::reserve);
        for (Lease l : leases) {
            byAddress.put(l.address(), l);
            byClient.put(l.clientId(), l);
        }
    }

    public synchronized void reserve(Reservation r) {
        unreserve(r.id());
        reservations.put(r.mac(), r);
        reservedAddresses.put(r.address(), r);
    }

    public synchronized void unreserve(long id) {
        reservations.values().removeIf(r -> r.id() == id);
        reservedAddresses.values().removeIf(r -> r.id() == id);
    }

    public synchronized Optional<Reservation> reservationOf(MacAddress mac) {
        return Optional.ofNullable(reservations.get(mac));
    }

    /** Whether an address may be given to this client: in a range or reserved for it, and free for it. */
    public synchronized boolean usableBy(IPv4Address a, String clientId, MacAddress mac, long now) {
        Reservation r = reservedAddresses.get(a);
        if (r != null) {
            return r.mac().equals(mac);
        }
        if (ranges.stream().noneMatch(x -> x.contains(a)) || gateway.contains(a) || pinned.test(a)) {
            return false;
        }
        Long until = declined.get(a);
        if (until != null && until > now) {
            return false;
        }
        Lease l = byAddress.get(a);
        return l == null || !l.validAt(now) || l.clientId().equals(clientId);
    }

    /** The address to offer this client, or empty when none is free. */
    public synchronized Optional<IPv4Address> choose(String clientId, MacAddress mac, IPv4Address requested,
                                                     long now) {
        Reservation r = reservations.get(mac);
        if (r != null) {
            return Optional.of(r.address());
        }
        Lease mine = byClient.get(clientId);
        if (mine != null && usableBy(mine.address(), clientId, mac, now)) {
            return Optional.of(mine.address());
        }
        if (requested != null && !requested.equals(IPv4Address.NONE) && usableBy(requested, clientId, mac, now)) {
            return Optional.of(requested);
        }
        long total = ranges.stream().mapToLong(DhcpRange::size).sum();
        for (long i = 0; i < total; i++) {
            IPv4Address a = nth((cursor + i) % total);
            if (usableBy(a, clientId, mac, now)) {
                cursor = (int) ((cursor + i + 1) % total);
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private IPv4Address nth(long n) {
        long left = n;
        for (DhcpRange r : ranges) {
            if (left < r.size()) {
                return IPv4Address.of((int) ((r.first().getInt() & 0xffffffffL) + left));
            }
            left -= r.size();
        }
        throw new IllegalStateException("no address " + n);
    }

    /** Records a lease (offered or bound), replacing the client's other one. */
    public synchronized Lease put(Lease l) {
        Lease old = byClient.get(l.clientId());
        if (old != null && !old.address().equals(l.address())) {
            byAddress.remove(old.address(), old);
        }
        Lease other = byAddress.get(l.address());
        if (other != null && !other.clientId().equals(l.clientId())) {
            byClient.remove(other.clientId(), other);
        }
        byAddress.put(l.address(), l);
        byClient.put(l.clientId(), l);
        return old;
    }

    /** The client's lease, if any. */
    public synchronized Optional<Lease> ofClient(String clientId) {
        return Optional.ofNullable(byClient.get(clientId));
    }

    public synchronized Optional<Lease> ofAddress(IPv4Address a) {
        return Optional.ofNullable(byAddress.get(a));
    }

    /** Ends a lease; the address is free again. */
    public synchronized Optional<Lease> remove(IPv4Address a) {
        Lease l = byAddress.remove(a);
        if (l != null) {
            byClient.remove(l.clientId(), l);
        }
        return Optional.ofNullable(l);
    }

    /** Someone else uses {@code a}: not offered until {@code untilMillis}; a lease on it ends. */
    public synchronized void decline(IPv4Address a, long untilMillis) {
        remove(a);
        declined.put(a, untilMillis);
    }

    /** Leases valid at {@code now}, by address. */
    public synchronized List<Lease> valid(long now) {
        List<Lease> out = new ArrayList<>();
        for (Lease l : byAddress.values()) {
            if (l.validAt(now)) {
                out.add(l);
            }
        }
        out.sort((a, b) -> Integer.compareUnsigned(a.address().getInt(), b.address().getInt()));
        return out;
    }

    /** Forgets leases and declines that ended before {@code now}; returns the leases forgotten. */
    public synchronized List<Lease> expire(long now) {
        List<Lease> gone = new ArrayList<>();
        byAddress.values().removeIf(l -> {
            if (!l.validAt(now)) {
                gone.add(l);
                return true;
            }
            return false;
        });
        gone.forEach(l -> byClient.remove(l.clientId(), l));
        declined.values().removeIf(until -> until <= now);
        return gone;
    }
}
