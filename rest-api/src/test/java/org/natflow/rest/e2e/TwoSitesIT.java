package org.natflow.rest.e2e;

import java.io.IOException;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * End-to-end tests on the shipped {@code p2p-two-sites} network (hA behind a Linux NAT, hB behind natflow,
 * pub on the public segment, natflow's service link), with the settings it comes with.
 */
abstract class TwoSitesIT extends MininetIT {

    @DynamicPropertySource
    static void twoSitesProperties(DynamicPropertyRegistry registry) throws IOException {
        MininetNetwork.properties("p2p-two-sites").forEach((k, v) -> registry.add(k, () -> v));
    }

    @Override
    Map<String, Object> topology(int controllerPort) throws Exception {
        return MininetNetwork.topology("p2p-two-sites", controllerPort);
    }
}
