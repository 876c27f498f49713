package org.natflow.rest.relay;

import java.util.List;
import java.util.Optional;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.relay.RelayLeg;
import org.natflow.apps.relay.RelayRule;
import org.natflow.apps.relay.RelayStore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Relay rules in the {@code relay} table (schema: Flyway migrations in db/migration). */
@Repository
public class JdbcRelayStore implements RelayStore {

    private final JdbcClient jdbc;

    public JdbcRelayStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    @Transactional
    public RelayRule create(RelayRule r) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        RelayLeg a = r.legs().get(0);
        RelayLeg b = r.legs().get(1);
        jdbc.sql("INSERT INTO relay (protocol, public_address, leg0_port, leg0_source, leg1_port, leg1_source,"
                        + " idle_timeout, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(r.protocol().lower(), r.publicAddress().toString(), a.publicPort(), source(a),
                        b.publicPort(), source(b), r.idleTimeout(), r.description())
                .update(keys, "id");
        return r.withId(keys.getKey().longValue());
    }

    @Override
    @Transactional
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM relay WHERE id = ?").param(id).update() > 0;
    }

    @Override
    public Optional<RelayRule> get(long id) {
        return jdbc.sql("SELECT * FROM relay WHERE id = ?").param(id).query(this::row).optional();
    }

    @Override
    public List<RelayRule> all() {
        return jdbc.sql("SELECT * FROM relay ORDER BY id").query(this::row).list();
    }

    private static String source(RelayLeg l) {
        return l.allowedSource() == null ? "" : l.allowedSource().toString();
    }

    private static RelayLeg leg(int port, String source) {
        return new RelayLeg(port, source.isEmpty() ? null : Addresses.prefix(source));
    }

    private RelayRule row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new RelayRule(rs.getLong("id"), Protocol.parse(rs.getString("protocol")),
                Addresses.address(rs.getString("public_address")),
                List.of(leg(rs.getInt("leg0_port"), rs.getString("leg0_source")),
                        leg(rs.getInt("leg1_port"), rs.getString("leg1_source"))),
                rs.getInt("idle_timeout"), rs.getString("description"));
    }
}
