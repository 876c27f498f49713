package org.natflow.rest.startup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every write natflow acknowledged survives {@code kill -9}: a burst of port forwards, each answered 201, the
 * process killed the instant the last answer arrives, started again on the same data directory, and every
 * acknowledged rule is there.
 */
@Tag("jar")
class DurabilityIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path data;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Process start(int rest) throws Exception {
        Process p = new ProcessBuilder("java", "-XX:+ExitOnOutOfMemoryError", "-jar",
                Path.of("target/natflow.jar").toAbsolutePath().toString(), "--server.port=" + rest,
                "--natflow.openflow.address=127.0.0.1", "--natflow.openflow.port=0", "--natflow.data-dir=" + data,
                "--natflow.api.token=durable", "--natflow.nat.inside-networks=10.0.0.0/16",
                "--natflow.nat.gateway-address=10.0.0.1", "--natflow.nat.public-addresses=203.0.113.10",
                "--natflow.nat.uplink-port=s1-eth1", "--natflow.nat.public-network=203.0.113.0/24",
                "--natflow.nat.upstream-gateway=203.0.113.1")
                .redirectErrorStream(true).redirectOutput(data.resolve("natflow-" + rest + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                if (get(rest, "/actuator/health").contains("UP")) {
                    return p;
                }
            } catch (IOException notYet) {
                // starting
            }
            assertThat(p.isAlive()).as("natflow running").isTrue();
            assertThat(System.nanoTime()).as("natflow up within 90 s").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static String get(int rest, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The data directory and every file in it (the rule database among them) are the owner's only. */
    private static void assertPrivate(Path dir) throws Exception {
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<String> open = new ArrayList<>();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
                    if (!mode.equals("rw-------")) {
                        open.add(dir.relativize(f) + " " + mode);
                    }
                }
            }
            boolean database;
            try (Stream<Path> files = Files.list(dir)) {
                database = files.anyMatch(f -> f.getFileName().toString().endsWith(".mv.db"));
            }
            if (open.isEmpty() && database) {
                return;
            }
            assertThat(System.nanoTime()).as("files still open to others: " + open + ", database present: "
                    + database).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void everyAcknowledgedForwardSurvivesKillMinusNine() throws Exception {
        int rest = freePort();
        Process first = start(rest);
        List<Long> acknowledged = new ArrayList<>();
        try {
            assertPrivate(data);
            for (int i = 0; i < 300; i++) {
                String body = "{\"protocol\":\"tcp\",\"publicPort\":" + (20000 + i) + ",\"insideAddress\":\"10.0."
                        + (1 + i / 200) + "." + (2 + i % 200) + "\",\"insidePort\":80}";
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest
                                + "/api/v1/port-forwards")).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer durable").timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                acknowledged.add(new ObjectMapper().readTree(r.body()).get("id").asLong());
            }
        } finally {
            first.destroyForcibly(); // SIGKILL, the moment the last 201 arrived
            first.waitFor(20, TimeUnit.SECONDS);
        }
        Process second = start(rest);
        try {
            JsonNode rules = new ObjectMapper().readTree(get(rest, "/api/v1/port-forwards"));
            Set<Long> found = new HashSet<>();
            rules.forEach(n -> found.add(n.get("id").asLong()));
            assertThat(found).as("every acknowledged rule after kill -9").containsAll(acknowledged);
        } finally {
            second.destroy();
            second.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
