package org.natflow.rest.dhcp;

import java.time.Instant;
import org.natflow.apps.dhcp.Lease;

/** A lease as the API shows it; {@code state} is {@code bound}, or {@code offered} while an offer holds it. */
public record LeaseView(String address, String mac, String clientId, String hostname, Instant expiresAt,
                        String state) {

    static LeaseView of(Lease l) {
        return new LeaseView(l.address().toString(), l.mac().toString(), l.clientId(), l.hostname(),
                Instant.ofEpochMilli(l.expiresMillis()), l.bound() ? "bound" : "offered");
    }
}
