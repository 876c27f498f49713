package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped scenario replays cleanly through {@code mininet/replay.py}, so they cannot rot. */
@Tag("mininet")
class ScenarioReplayIT {

    static Stream<String> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(MininetEnvironment.projectRoot().resolve("mininet/scenarios"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void replays(String scenario) throws Exception {
        MininetEnvironment.require();
        Path root = MininetEnvironment.projectRoot();
        Path report = Files.createTempFile("natflow-replay", ".json");
        Path log = root.resolve("rest-api/target/replay-" + scenario + ".log");
        Process p = new ProcessBuilder(List.of("/usr/bin/python3", root.resolve("mininet/replay.py").toString(),
                root.resolve("mininet/scenarios/" + scenario).toString(), "--report", report.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("finished in time").isTrue();
        String output = Files.readString(log);
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertThat(r.get("failed").asInt()).as(output).isZero();
        assertThat(r.get("passed").asInt()).as(output).isGreaterThan(2);
        assertThat(p.exitValue()).as(output).isZero();
    }
}
