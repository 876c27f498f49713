package org.natflow.rest.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A running Mininet network, driven through {@code mininet/agent.py}. Closing it stops the network
 * (the agent also stops it if this JVM dies and its stdin closes).
 */
public final class MininetNetwork implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The result of a command.
     *
     * @param rc  exit code (-1 on timeout)
     * @param out standard output and error
     */
    public record Result(int rc, String out) {
        public boolean ok() {
            return rc == 0;
        }
    }

    private final Process process;
    private final Writer in;
    private final BufferedReader out;
    private final Map<String, String> dpids;

    private MininetNetwork(Process process, Map<String, Object> topology) throws IOException {
        this.process = process;
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        request(Map.of("op", "cleanup"));
        JsonNode started = request(Map.of("op", "start", "topology", topology));
        this.dpids = JSON.convertValue(started.get("dpids"), Map.class);
    }

    /** Starts a network from a topology spec (see {@code mininet/natflow_net.py}). */
    public static MininetNetwork start(Map<String, Object> topology) throws IOException {
        MininetEnvironment.require();
        Path root = MininetEnvironment.projectRoot();
        Path log = root.resolve("rest-api/target/mininet-" + System.currentTimeMillis() + ".log");
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder("/usr/bin/python3", root.resolve("mininet/agent.py").toString())
                .redirectError(log.toFile()).start();
        try {
            return new MininetNetwork(p, topology);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /**
     * Loads a shipped topology ({@code mininet/topologies/NAME.json}) and points it at this controller port.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> topology(String name, int controllerPort) throws IOException {
        Path file = MininetEnvironment.projectRoot().resolve("mininet/topologies/" + name + ".json");
        Map<String, Object> spec = JSON.readValue(file.toFile(), Map.class);
        spec.put("controller", Map.of("ip", "127.0.0.1", "port", controllerPort));
        return spec;
    }

    /** The natflow properties a shipped topology is meant to run with (its {@code natflow} section). */
    @SuppressWarnings("unchecked")
    public static Map<String, String> properties(String name) throws IOException {
        Path file = MininetEnvironment.projectRoot().resolve("mininet/topologies/" + name + ".json");
        Map<String, Object> spec = JSON.readValue(file.toFile(), Map.class);
        return (Map<String, String>) spec.getOrDefault("natflow", Map.of());
    }

    /** The dpid of a switch by name, in the API's colon form. */
    public String dpid(String switchName) {
        return dpids.get(switchName);
    }

    /** Runs a command on a host (null: the root namespace) and waits for it. */
    public Result cmd(String node, String command, Duration timeout) {
        ObjectNode req = JSON.createObjectNode().put("op", "cmd").put("cmd", command)
                .put("timeout", timeout.toSeconds());
        req.put("node", node);
        JsonNode r = request(req);
        return new Result(r.get("rc").asInt(), r.get("out").asText());
    }

    public Result cmd(String node, String command) {
        return cmd(node, command, Duration.ofSeconds(30));
    }

    /** Runs a command in the root namespace (ovs-vsctl, ovs-ofctl). */
    public Result sh(String command) {
        return cmd(null, command, Duration.ofSeconds(30));
    }

    /** Starts a long-running command on a host under a name. */
    public void spawn(String node, String name, String command) {
        request(Map.of("op", "spawn", "node", node, "name", name, "cmd", command));
    }

    /** Stops a spawned command and returns what it printed. */
    public Result kill(String name) {
        JsonNode r = request(Map.of("op", "kill", "name", name));
        return new Result(r.get("rc").asInt(), r.get("out").asText());
    }

    private synchronized JsonNode request(Object req) {
        try {
            in.write(JSON.writeValueAsString(req) + "\n");
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("mininet agent exited; see rest-api/target/mininet-*.log");
            }
            JsonNode r = JSON.readTree(line);
            if (!r.path("ok").asBoolean()) {
                throw new IllegalStateException("mininet agent: " + r.path("error").asText());
            }
            return r;
        } catch (IOException e) {
            throw new IllegalStateException("mininet agent I/O failed", e);
        }
    }

    @Override
    public void close() {
        try {
            in.write("{\"op\":\"stop\"}\n");
            in.flush();
            in.close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
