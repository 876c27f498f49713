package org.natflow.rest.forward;

import java.util.List;
import java.util.Optional;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.forward.PortForwardStore;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Port-forward rules in the {@code port_forward} table (schema: Flyway migrations in db/migration). */
@Repository
public class JdbcPortForwardStore implements PortForwardStore {

    private final JdbcClient jdbc;

    public JdbcPortForwardStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    @Transactional
    public PortForwardRule create(PortForwardRule r) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO port_forward (protocol, public_address, public_port, public_port_end, inside_address,"
                        + " inside_port, allowed_sources, description, enabled, source, expires_at, client_tag)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(r.protocol().lower(), r.publicAddress().toString(), r.publicPort(), r.publicPortEnd(),
                        r.insideAddress().toString(), r.insidePort(), sources(r), r.description(), r.enabled(),
                        r.source(), r.expiresMillis(), r.clientTag())
                .update(keys, "id");
        return r.withId(keys.getKey().longValue());
    }

    @Override
    @Transactional
    public Optional<PortForwardRule> update(PortForwardRule r) {
        int n = jdbc.sql("UPDATE port_forward SET protocol = ?, public_address = ?, public_port = ?,"
                        + " public_port_end = ?, inside_address = ?, inside_port = ?, allowed_sources = ?,"
                        + " description = ?, enabled = ?, source = ?, expires_at = ?, client_tag = ?"
                        + " WHERE id = ?")
                .params(r.protocol().lower(), r.publicAddress().toString(), r.publicPort(), r.publicPortEnd(),
                        r.insideAddress().toString(), r.insidePort(), sources(r), r.description(), r.enabled(),
                        r.source(), r.expiresMillis(), r.clientTag(), r.id())
                .update();
        return n == 0 ? Optional.empty() : Optional.of(r);
    }

    @Override
    @Transactional
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM port_forward WHERE id = ?").param(id).update() > 0;
    }

    @Override
    public Optional<PortForwardRule> get(long id) {
        return jdbc.sql("SELECT * FROM port_forward WHERE id = ?").param(id).query(this::row).optional();
    }

    @Override
    public List<PortForwardRule> all() {
        return jdbc.sql("SELECT * FROM port_forward ORDER BY id").query(this::row).list();
    }

    private static String sources(PortForwardRule r) {
        return Addresses.joinPrefixes(r.allowedSources());
    }

    private PortForwardRule row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        List<IPv4AddressWithMask> allowed = Addresses.splitPrefixes(rs.getString("allowed_sources"));
        return new PortForwardRule(rs.getLong("id"), Protocol.parse(rs.getString("protocol")),
                Addresses.address(rs.getString("public_address")), rs.getInt("public_port"),
                rs.getInt("public_port_end"), Addresses.address(rs.getString("inside_address")),
                rs.getInt("inside_port"), allowed, rs.getString("description"), rs.getBoolean("enabled"),
                rs.getString("source"), rs.getLong("expires_at"), rs.getString("client_tag"));
    }
}
