package org.natflow.apps.dhcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Leases and reservations in memory, for the DHCP server's tests. */
final class MemoryLeaseStore implements LeaseStore {
    final Map<IPv4Address, Lease> leases = new ConcurrentHashMap<>();
    final List<Reservation> reservations = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public void save(Lease lease) {
        leases.put(lease.address(), lease);
    }

    @Override
    public void delete(IPv4Address address) {
        leases.remove(address);
    }

    @Override
    public List<Lease> leases() {
        return List.copyOf(leases.values());
    }

    @Override
    public Reservation create(Reservation r) {
        Reservation s = r.withId(ids.incrementAndGet());
        reservations.add(s);
        return s;
    }

    @Override
    public Optional<Reservation> update(Reservation r) {
        return Optional.empty();
    }

    @Override
    public boolean deleteReservation(long id) {
        return reservations.removeIf(r -> r.id() == id);
    }

    @Override
    public List<Reservation> reservations() {
        return List.copyOf(reservations);
    }
}
