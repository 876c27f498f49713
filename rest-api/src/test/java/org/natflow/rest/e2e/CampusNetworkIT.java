package org.natflow.rest.e2e;

import java.io.IOException;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** End-to-end tests on the shipped {@code campus} fabric, with the NAT settings it comes with. */
abstract class CampusNetworkIT extends MininetIT {

    /** 17 links between switches, each seen in both directions. */
    static final int LINK_DIRECTIONS = 34;

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
}
