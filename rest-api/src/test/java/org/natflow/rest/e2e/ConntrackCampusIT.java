package org.natflow.rest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The {@code campus} fabric with its borders on the conntrack datapath: a host reaches its own mappings by
 * hairpin across the fabric, as on the controller datapath ({@link CampusIT}).
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.nat.datapath=conntrack",
        "natflow.nat.ports-per-host=1024"})
class ConntrackCampusIT extends CampusNetworkIT {

    @Override
    void afterStart() {
        Poll.until(Duration.ofSeconds(20), "all links discovered", () -> rest.getForObject("/api/v1/topology",
                JsonNode.class).get("links").size() == LINK_DIRECTIONS);
    }

    @Test
    void aHostReachesItsOwnMappingsByHairpinAcrossTheFabric() {
        CampusIT.reachesItsOwnMappingsByHairpin(net,
                () -> "\n--- blocks\n" + rest.getForObject("/api/v1/nat/blocks", String.class));
    }
}
