package org.natflow.rest.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.natflow.services.proxy.ProxyPolicy;
import org.natflow.services.proxy.ProxyUser;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The proxy policy in the one-row {@code proxy_policy} table, as JSON (schema: Flyway migrations in db/migration). */
@Repository
public class JdbcProxyPolicyStore {

    /** What is stored: the policy's document, and its users with their password hashes. */
    private record Stored(ProxyPolicyDocument policy, List<ProxyUser> users) {
    }

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public JdbcProxyPolicyStore(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The stored policy, if one was ever saved. */
    public Optional<ProxyPolicy> load() {
        return jdbc.sql("SELECT policy FROM proxy_policy WHERE id = 1").query(String.class).optional().map(text -> {
            try {
                Stored s = json.readValue(text, Stored.class);
                return s.policy().toPolicy(ProxyPolicy.defaults().withUsers(s.users()));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the stored proxy policy cannot be read: " + e.getOriginalMessage(), e);
            }
        });
    }

    /** Saves the policy (replacing the one stored), committed before it returns. */
    @Transactional
    public void save(ProxyPolicy p) {
        String text;
        try {
            text = json.writeValueAsString(new Stored(ProxyPolicyDocument.of(p), p.users()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the proxy policy cannot be written as JSON", e);
        }
        if (jdbc.sql("UPDATE proxy_policy SET policy = ? WHERE id = 1").param(text).update() == 0) {
            jdbc.sql("INSERT INTO proxy_policy (id, policy) VALUES (1, ?)").param(text).update();
        }
    }
}
