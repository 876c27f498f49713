package org.natflow.rest.e2e;

import java.io.IOException;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** End-to-end tests on the shipped {@code nat-home} network, with the NAT settings it comes with. */
abstract class NatHomeIT extends MininetIT {

    @DynamicPropertySource
    static void natHomeProperties(DynamicPropertyRegistry registry) throws IOException {
        MininetNetwork.properties("nat-home").forEach((k, v) -> registry.add(k, () -> v));
    }

    @Override
    Map<String, Object> topology(int controllerPort) throws Exception {
        return MininetNetwork.topology("nat-home", controllerPort);
    }
}
