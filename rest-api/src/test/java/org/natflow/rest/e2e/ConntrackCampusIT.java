package org.natflow.rest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@code campus} fabric with its borders on the conntrack datapath: a host reaches its own mappings by
 * hairpin across the fabric, as on the controller datapath ({@link CampusIT}).
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.nat.datapath=conntrack",
        "natflow.nat.ports-per-host=1024"})
class ConntrackCampusIT extends MininetIT {

    @DynamicPropertySource
    static void campusProperties(DynamicPropertyRegistry registry) throws IOException {
        MininetNetwork.properties("campus").forEach((k, v) -> registry.add(k, () -> v));
    }

    @Override
    Map<String, Object> topology(int controllerPort) throws Exception {
        return MininetNetwork.topology("campus", controllerPort);
    }

    @Override
    String[] awaitSwitches() {
        return new String[] {"c1", "c2", "d1", "d2", "e1", "e2", "e3", "e4", "b1", "b2"};
    }

    @Override
    void afterStart() {
        Poll.until(Duration.ofSeconds(20), "all links discovered", () -> rest.getForObject("/api/v1/topology",
                JsonNode.class).get("links").size() == 34);
    }

    @Test
    void aHostReachesItsOwnMappingsByHairpinAcrossTheFabric() {
        CampusIT.reachesItsOwnMappingsByHairpin(net,
                () -> "\n--- blocks\n" + rest.getForObject("/api/v1/nat/blocks", String.class));
    }
}
