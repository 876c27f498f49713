package org.natflow.rest.dhcp;

import org.natflow.apps.dhcp.Reservation;

/** A reservation as the API shows it. */
public record ReservationView(long id, String mac, String address, String hostname, String description) {

    static ReservationView of(Reservation r) {
        return new ReservationView(r.id(), r.mac().toString(), r.address().toString(), r.hostname(), r.description());
    }
}
