package org.natflow.rest.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.natflow.rest.testing.Poll;

/** natflow.jar as a separate process, for tests that kill it the hard way. */
final class ControllerProcess implements AutoCloseable {

    /** The read role's token of the process. */
    static final String READ_TOKEN = "process-read-token";

    final int openflowPort;
    final int restPort;
    private final List<String> args;
    private final Path log;
    private Process process;

    ControllerProcess(Path log, List<String> properties) throws IOException {
        this.openflowPort = freePort();
        this.restPort = freePort();
        this.log = log;
        this.args = new ArrayList<>(List.of("java", "-XX:+ExitOnOutOfMemoryError", "-jar",
                MininetEnvironment.projectRoot().resolve("rest-api/target/natflow.jar").toString(),
                "--natflow.openflow.address=127.0.0.1", "--natflow.openflow.port=" + openflowPort,
                "--server.port=" + restPort, "--natflow.api.read-token=" + READ_TOKEN));
        this.args.addAll(properties);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts it and waits until its health endpoint answers. */
    void start() throws IOException {
        process = new ProcessBuilder(args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Poll.until(Duration.ofSeconds(60), "natflow up", () -> get("/actuator/health").contains("\"UP\""));
    }

    /** SIGKILL: no shutdown hooks, no goodbye to the switches. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGTERM: natflow shuts down as a supervisor would stop it, and is waited for. */
    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String get(String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort
                    + path)).header("Authorization", "Bearer " + READ_TOKEN).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A write with the bearer token {@code token}: the status and the body, as "201 {...}". */
    String send(String method, String path, String json, String token) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + restPort + path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(5))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
