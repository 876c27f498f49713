package org.natflow.apps.dhcp;

import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Where leases and reservations are kept; each call is atomic and durable when it returns. */
public interface LeaseStore {

    /** Stores (or replaces) the lease of its address. */
    void save(Lease lease);

    /** Removes the lease of an address. */
    void delete(IPv4Address address);

    /** Every stored lease. */
    List<Lease> leases();

    Reservation create(Reservation r);

    Optional<Reservation> update(Reservation r);

    boolean deleteReservation(long id);

    List<Reservation> reservations();
}
