package org.natflow.rest.staticnat;

import java.util.List;
import java.util.Optional;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.staticnat.StaticNatRule;
import org.natflow.apps.staticnat.StaticNatStore;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Static NAT rules in the {@code static_nat} table (schema: Flyway migrations in db/migration). */
@Repository
public class JdbcStaticNatStore implements StaticNatStore {

    private final JdbcClient jdbc;

    public JdbcStaticNatStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    @Transactional
    public StaticNatRule create(StaticNatRule r) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO static_nat (public_address, inside_address, via_address, allowed_sources, description,"
                        + " enabled) VALUES (?, ?, ?, ?, ?, ?)")
                .params(r.publicAddress().toString(), r.insideAddress().toString(), r.via().toString(), sources(r),
                        r.description(), r.enabled())
                .update(keys, "id");
        return r.withId(keys.getKey().longValue());
    }

    @Override
    @Transactional
    public Optional<StaticNatRule> update(StaticNatRule r) {
        int n = jdbc.sql("UPDATE static_nat SET public_address = ?, inside_address = ?, via_address = ?,"
                        + " allowed_sources = ?, description = ?, enabled = ? WHERE id = ?")
                .params(r.publicAddress().toString(), r.insideAddress().toString(), r.via().toString(), sources(r),
                        r.description(), r.enabled(), r.id())
                .update();
        return n == 0 ? Optional.empty() : Optional.of(r);
    }

    @Override
    @Transactional
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM static_nat WHERE id = ?").param(id).update() > 0;
    }

    @Override
    public List<StaticNatRule> all() {
        return jdbc.sql("SELECT * FROM static_nat ORDER BY id").query(this::row).list();
    }

    private static String sources(StaticNatRule r) {
        return Addresses.joinPrefixes(r.allowedSources());
    }

    private StaticNatRule row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        List<IPv4AddressWithMask> allowed = Addresses.splitPrefixes(rs.getString("allowed_sources"));
        return new StaticNatRule(rs.getLong("id"), Addresses.address(rs.getString("public_address")),
                Addresses.address(rs.getString("inside_address")), Addresses.address(rs.getString("via_address")),
                allowed, rs.getString("description"), rs.getBoolean("enabled"));
    }
}
