package org.natflow.rest.vpn;

import java.util.List;
import java.util.Optional;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.vpn.VpnPeer;
import org.natflow.apps.vpn.VpnPeerStore;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** VPN peers and their leases in the {@code vpn_peer} table (schema: Flyway migrations in db/migration). */
@Repository
public class JdbcVpnPeerStore implements VpnPeerStore {

    private final JdbcClient jdbc;

    public JdbcVpnPeerStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    @Transactional
    public VpnPeer create(VpnPeer p) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO vpn_peer (name, public_key, address, allowed_sources, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(p.name(), p.publicKey(), p.address().toString(), Addresses.joinPrefixes(p.allowedSources()),
                        p.createdMillis())
                .update(keys, "id");
        return p.withId(keys.getKey().longValue());
    }

    @Override
    @Transactional
    public Optional<VpnPeer> delete(long id, long endedMillis) {
        Optional<VpnPeer> p = jdbc.sql("SELECT * FROM vpn_peer WHERE id = ? AND ended_at IS NULL").param(id)
                .query(this::row).optional();
        p.ifPresent(x -> jdbc.sql("UPDATE vpn_peer SET ended_at = ? WHERE id = ?").params(endedMillis, id).update());
        return p;
    }

    @Override
    public List<VpnPeer> all() {
        return jdbc.sql("SELECT * FROM vpn_peer WHERE ended_at IS NULL ORDER BY id").query(this::row).list();
    }

    @Override
    public List<IPv4Address> endedSince(long sinceMillis) {
        return jdbc.sql("SELECT address FROM vpn_peer WHERE ended_at >= ?").param(sinceMillis)
                .query((rs, n) -> Addresses.address(rs.getString("address"))).list();
    }

    private VpnPeer row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new VpnPeer(rs.getLong("id"), rs.getString("name"), rs.getString("public_key"),
                Addresses.address(rs.getString("address")), Addresses.splitPrefixes(rs.getString("allowed_sources")),
                rs.getLong("created_at"));
    }
}
