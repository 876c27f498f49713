package org.natflow.rest.dns;

import java.util.List;
import org.natflow.services.dns.StaticRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The DNS forwarder's static records in {@code dns_record} (Flyway V6). */
@Repository
public class JdbcDnsRecordStore {

    private final JdbcClient jdbc;

    public JdbcDnsRecordStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public StaticRecord create(StaticRecord r) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO dns_record (record_name, record_type, record_value, ttl) VALUES (?, ?, ?, ?)")
                .params(r.name(), r.type(), r.value(), r.ttl()).update(keys, "id");
        return r.withId(keys.getKey().longValue());
    }

    @Transactional
    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM dns_record WHERE id = ?").param(id).update() > 0;
    }

    public List<StaticRecord> all() {
        return jdbc.sql("SELECT * FROM dns_record ORDER BY id").query((rs, i) -> new StaticRecord(rs.getLong("id"),
                rs.getString("record_name"), rs.getString("record_type"), rs.getString("record_value"),
                rs.getInt("ttl"))).list();
    }
}
