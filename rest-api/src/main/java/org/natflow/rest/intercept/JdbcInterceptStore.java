package org.natflow.rest.intercept;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.intercept.Fallback;
import org.natflow.apps.intercept.InterceptRule;
import org.natflow.apps.intercept.InterceptStore;
import org.natflow.apps.ports.PortRange;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Interception rules in the {@code intercept_rule} table (schema: Flyway migrations in db/migration). */
@Repository
public class JdbcInterceptStore implements InterceptStore {

    private final JdbcClient jdbc;

    public JdbcInterceptStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    @Transactional
    public InterceptRule create(InterceptRule r) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO intercept_rule (sources, destinations, ports, enabled, fallback, description)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")
                .params(join(r.sources()), join(r.destinations()), ports(r), r.enabled(), r.fallback().label(),
                        r.description())
                .update(keys, "id");
        return r.withId(keys.getKey().longValue());
    }

    @Override
    @Transactional
    public Optional<InterceptRule> update(InterceptRule r) {
        int n = jdbc.sql("UPDATE intercept_rule SET sources = ?, destinations = ?, ports = ?, enabled = ?,"
                        + " fallback = ?, description = ? WHERE id = ?")
                .params(join(r.sources()), join(r.destinations()), ports(r), r.enabled(), r.fallback().label(),
                        r.description(), r.id())
                .update();
        return n == 0 ? Optional.empty() : Optional.of(r);
    }

    @Override
    @Transactional
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM intercept_rule WHERE id = ?").param(id).update() > 0;
    }

    @Override
    public List<InterceptRule> all() {
        return jdbc.sql("SELECT * FROM intercept_rule ORDER BY id").query(this::row).list();
    }

    private static String join(List<?> items) {
        return String.join(",", items.stream().map(Object::toString).toList());
    }

    private static String ports(InterceptRule r) {
        return String.join(",", r.ports().stream().map(PortRange::text).toList());
    }

    private static <T> List<T> split(String text, Function<String, T> parse) {
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(parse).toList();
    }

    private InterceptRule row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new InterceptRule(rs.getLong("id"), split(rs.getString("sources"), Addresses::prefix),
                split(rs.getString("destinations"), Addresses::prefix), split(rs.getString("ports"), PortRange::parse),
                rs.getBoolean("enabled"), Fallback.parse(rs.getString("fallback")), rs.getString("description"));
    }
}
