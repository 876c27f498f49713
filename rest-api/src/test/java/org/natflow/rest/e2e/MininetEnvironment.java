package org.natflow.rest.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks that Mininet tests can run here: root, Mininet for the system Python, Open vSwitch running. Missing
 * pieces abort the test on a developer machine, and fail it in CI (environment variable {@code CI} set) so
 * a broken set-up never passes as skipped ({@code NATFLOW_REQUIRE_E2E}, set by {@code ./natflow test}, does the same).
 */
final class MininetEnvironment {

    private static String problems;

    private MininetEnvironment() {
    }

    static synchronized void require() {
        if (problems == null) {
            problems = check();
        }
        if (problems.isEmpty()) {
            return;
        }
        String message = "Mininet end-to-end tests need: " + problems + " (see README: ./natflow test sets up all)";
        if (System.getenv("CI") != null || System.getenv("NATFLOW_REQUIRE_E2E") != null) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
    }

    static Path projectRoot() {
        String env = System.getenv("NATFLOW_ROOT");
        Path p = env != null ? Path.of(env) : Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mininet/agent.py"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the project root (mininet/agent.py)");
        }
        return p;
    }

    private static String check() {
        List<String> missing = new ArrayList<>();
        if (!run("id", "-u").equals("0")) {
            missing.add("root");
        }
        if (run("/usr/bin/python3", "-c", "import mininet.net; print('ok')").isEmpty()) {
            missing.add("Mininet for /usr/bin/python3 (apt: mininet)");
        }
        if (run("ovs-vsctl", "--timeout=5", "show").isEmpty()) {
            missing.add("a running Open vSwitch (ovs-ctl start)");
        }
        return String.join(", ", missing);
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "";
            }
            return out.isEmpty() ? "ok" : out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
