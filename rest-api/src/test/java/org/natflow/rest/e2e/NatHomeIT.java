package org.natflow.rest.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.natflow.apps.nat.MappingLog;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** End-to-end tests on the shipped {@code nat-home} network, with the NAT settings it comes with. */
abstract class NatHomeIT extends MininetIT {

    @Autowired
    MappingLog mappingLog;

    /** The lines of natflow's mapping log file containing {@code text} (none while the file does not exist). */
    List<String> mappingRecords(String text) {
        try {
            return Files.readAllLines(Path.of(mappingLog.location())).stream().filter(l -> l.contains(text)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @DynamicPropertySource
    static void natHomeProperties(DynamicPropertyRegistry registry) throws IOException {
        MininetNetwork.properties("nat-home").forEach((k, v) -> registry.add(k, () -> v));
    }

    @Override
    Map<String, Object> topology(int controllerPort) throws Exception {
        return MininetNetwork.topology("nat-home", controllerPort);
    }
}
