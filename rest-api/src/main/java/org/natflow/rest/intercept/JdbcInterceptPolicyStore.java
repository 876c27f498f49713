package org.natflow.rest.intercept;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.natflow.services.intercept.InterceptPolicy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The domain policy in the one-row {@code intercept_policy} table, as JSON. */
@Repository
public class JdbcInterceptPolicyStore {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public JdbcInterceptPolicyStore(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The stored policy, if one was ever saved. */
    public Optional<InterceptPolicy> load() {
        return jdbc.sql("SELECT policy FROM intercept_policy WHERE id = 1").query(String.class).optional().map(t -> {
            try {
                return json.readValue(t, InterceptPolicyDocument.class).toPolicy();
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the stored intercept policy cannot be read: "
                        + e.getOriginalMessage(), e);
            }
        });
    }

    /** Saves the policy (replacing the one stored), committed before it returns. */
    @Transactional
    public void save(InterceptPolicy p) {
        String text;
        try {
            text = json.writeValueAsString(InterceptPolicyDocument.of(p));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the intercept policy cannot be written as JSON", e);
        }
        if (jdbc.sql("UPDATE intercept_policy SET policy = ? WHERE id = 1").param(text).update() == 0) {
            jdbc.sql("INSERT INTO intercept_policy (id, policy) VALUES (1, ?)").param(text).update();
        }
    }
}
