package org.natflow.rest.dhcp;

import java.util.List;
import java.util.Optional;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.dhcp.Lease;
import org.natflow.apps.dhcp.LeaseStore;
import org.natflow.apps.dhcp.Reservation;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Leases and reservations in {@code dhcp_lease} and {@code dhcp_reservation} (Flyway V5). */
@Repository
public class JdbcLeaseStore implements LeaseStore {

    private final JdbcClient jdbc;

    public JdbcLeaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    @Transactional
    public void save(Lease l) {
        int n = jdbc.sql("UPDATE dhcp_lease SET mac = ?, client_id = ?, hostname = ?, expires_at = ? WHERE address = ?")
                .params(l.mac().toString(), l.clientId(), l.hostname(), l.expiresMillis(), l.address().toString())
                .update();
        if (n == 0) {
            jdbc.sql("INSERT INTO dhcp_lease (address, mac, client_id, hostname, expires_at) VALUES (?, ?, ?, ?, ?)")
                    .params(l.address().toString(), l.mac().toString(), l.clientId(), l.hostname(), l.expiresMillis())
                    .update();
        }
    }

    @Override
    @Transactional
    public void delete(IPv4Address address) {
        jdbc.sql("DELETE FROM dhcp_lease WHERE address = ?").param(address.toString()).update();
    }

    @Override
    public List<Lease> leases() {
        return jdbc.sql("SELECT * FROM dhcp_lease").query((rs, i) -> new Lease(Addresses.address(rs.getString("address")),
                MacAddress.of(rs.getString("mac")), rs.getString("client_id"), rs.getString("hostname"),
                rs.getLong("expires_at"), true)).list();
    }

    @Override
    @Transactional
    public Reservation create(Reservation r) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO dhcp_reservation (mac, address, hostname, description) VALUES (?, ?, ?, ?)")
                .params(r.mac().toString(), r.address().toString(), r.hostname(), r.description()).update(keys, "id");
        return r.withId(keys.getKey().longValue());
    }

    @Override
    @Transactional
    public Optional<Reservation> update(Reservation r) {
        int n = jdbc.sql("UPDATE dhcp_reservation SET mac = ?, address = ?, hostname = ?, description = ? WHERE id = ?")
                .params(r.mac().toString(), r.address().toString(), r.hostname(), r.description(), r.id()).update();
        return n == 0 ? Optional.empty() : Optional.of(r);
    }

    @Override
    @Transactional
    public boolean deleteReservation(long id) {
        return jdbc.sql("DELETE FROM dhcp_reservation WHERE id = ?").param(id).update() > 0;
    }

    @Override
    public List<Reservation> reservations() {
        return jdbc.sql("SELECT * FROM dhcp_reservation ORDER BY id").query((rs, i) -> new Reservation(rs.getLong("id"),
                MacAddress.of(rs.getString("mac")), Addresses.address(rs.getString("address")),
                rs.getString("hostname"), rs.getString("description"))).list();
    }
}
