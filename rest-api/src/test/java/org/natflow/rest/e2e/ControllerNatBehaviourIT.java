package org.natflow.rest.e2e;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/** {@link NatBehaviourIT} on the controller datapath: endpoint-independent mapping and filtering. */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class ControllerNatBehaviourIT extends NatBehaviourIT {

    @Override
    String expectedMapping() {
        return "NAT with Endpoint Independent Mapping!";
    }

    @Override
    String expectedFiltering() {
        return "NAT with Endpoint Independent Filtering!";
    }
}
