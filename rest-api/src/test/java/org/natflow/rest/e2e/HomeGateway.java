package org.natflow.rest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The shipped {@code nat-home} network with natflow's service link on s1, as the tests of the services inside
 * hosts ask the gateway for (NAT-PMP, PCP, UPnP) run it: its topology, natflow's arguments, and the forwards
 * an application made.
 */
final class HomeGateway {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HomeGateway() {
    }

    /** nat-home with the service link on s1. */
    static Map<String, Object> topology(int controllerPort) throws IOException {
        Map<String, Object> spec = MininetNetwork.topology("nat-home", controllerPort);
        spec.put("serviceLink", Map.of("switch", "s1", "address", "169.254.100.1/24", "port", "nfsvc-s1",
                "rootIntf", "nfsvc0"));
        return spec;
    }

    /** natflow's arguments for nat-home with the service link, a data directory, a token and {@code extra}. */
    static List<String> properties(Path dataDir, String token, String... extra) throws IOException {
        List<String> props = new ArrayList<>();
        MininetNetwork.properties("nat-home").forEach((k, v) -> props.add("--" + k + "=" + v));
        props.addAll(List.of("--natflow.data-dir=" + dataDir, "--natflow.api.token=" + token,
                "--natflow.service-link.port=nfsvc-s1"));
        props.addAll(Arrays.asList(extra));
        return props;
    }

    /** The port forwards of one source ({@code natpmp}, {@code pcp}, {@code upnp}). */
    static List<JsonNode> forwards(ControllerProcess controller, String source) {
        try {
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode f : JSON.readTree(controller.get("/api/v1/port-forwards"))) {
                if (f.get("source").asText().equals(source)) {
                    out.add(f);
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a test's data directory. */
    static void delete(Path dataDir) throws IOException {
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
