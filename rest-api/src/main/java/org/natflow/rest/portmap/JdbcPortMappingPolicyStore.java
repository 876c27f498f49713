package org.natflow.rest.portmap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.natflow.apps.portmap.PortMappingPolicy;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The port-mapping policy in the one-row {@code port_mapping_policy} table, as JSON. */
@Repository
public class JdbcPortMappingPolicyStore {

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public JdbcPortMappingPolicyStore(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The stored policy over {@code settings}, if one was ever saved. */
    public Optional<PortMappingPolicy> load(PortMappingPolicy settings) {
        return jdbc.sql("SELECT policy FROM port_mapping_policy WHERE id = 1").query(String.class).optional()
                .map(text -> {
                    try {
                        return json.readValue(text, PortMappingPolicyDocument.class).toPolicy(settings);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("the stored port-mapping policy cannot be read: "
                                + e.getOriginalMessage(), e);
                    }
                });
    }

    /** Saves the policy (replacing the one stored), committed before it returns. */
    @Transactional
    public void save(PortMappingPolicy p) {
        String text;
        try {
            text = json.writeValueAsString(PortMappingPolicyDocument.of(p));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the port-mapping policy cannot be written as JSON", e);
        }
        if (jdbc.sql("UPDATE port_mapping_policy SET policy = ? WHERE id = 1").param(text).update() == 0) {
            jdbc.sql("INSERT INTO port_mapping_policy (id, policy) VALUES (1, ?)").param(text).update();
        }
    }
}
