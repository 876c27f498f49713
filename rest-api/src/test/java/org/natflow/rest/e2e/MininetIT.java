package org.natflow.rest.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.natflow.apps.nat.MappingLog;
import org.natflow.controller.channel.OpenFlowServer;
import org.natflow.rest.testing.Poll;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;

/**
 * The shape of every end-to-end test: natflow in-process on random ports (the subclass's
 * {@code @SpringBootTest}), one Mininet network for the class pointed at it, started once the listener is
 * bound and stopped at the end. Subclasses name the topology and the switches to wait for.
 */
@Tag("mininet")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MininetIT {

    @Autowired
    TestRestTemplate rest;
    @Autowired
    OpenFlowServer server;

    @Autowired
    ObjectProvider<MappingLog> mappingLogs;

    MininetNetwork net;

    /** The lines of natflow's mapping log file containing {@code text} (none while there is no such file). */
    List<String> mappingRecords(String text) {
        MappingLog log = mappingLogs.getIfAvailable();
        try {
            return log == null || log.location().isEmpty() ? List.of()
                    : Files.readAllLines(Path.of(log.location())).stream().filter(l -> l.contains(text)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The topology spec, pointed at this controller port. */
    abstract Map<String, Object> topology(int controllerPort) throws Exception;

    /** Switches that must be connected before the tests run. */
    String[] awaitSwitches() {
        return new String[] {"s1"};
    }

    @BeforeAll
    void startNetwork() throws Exception {
        readWithTheReadRole(rest);
        net = MininetNetwork.start(topology(server.boundAddress().getPort()));
        Poll.until(Duration.ofSeconds(30), "switches connected", () -> {
            String list = rest.getForObject("/api/v1/switches", String.class);
            for (String s : awaitSwitches()) {
                if (!list.contains(net.dpid(s))) {
                    return false;
                }
            }
            return true;
        });
        afterStart();
    }

    /** Requests without credentials carry the read role's token (test resources): mappings are not public. */
    static void readWithTheReadRole(TestRestTemplate rest) {
        var interceptors = rest.getRestTemplate().getInterceptors();
        if (interceptors.stream().noneMatch(i -> i instanceof ReadRole)) {
            interceptors.add(new ReadRole());
        }
    }

    private static final class ReadRole implements org.springframework.http.client.ClientHttpRequestInterceptor {
        @Override
        public org.springframework.http.client.ClientHttpResponse intercept(org.springframework.http.HttpRequest r,
                byte[] body, org.springframework.http.client.ClientHttpRequestExecution exec)
                throws java.io.IOException {
            if (!r.getHeaders().containsKey("Authorization")) {
                r.getHeaders().setBearerAuth("test-read-token");
            }
            return exec.execute(r, body);
        }
    }

    /** A meter's value from {@code /actuator/prometheus} (its first series), or -1 when it is not there. */
    double metric(String name) {
        String all = rest.getForObject("/actuator/prometheus", String.class);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name)
                + "(\\{[^}]*\\})? ([0-9.eE+]+)$").matcher(all);
        return m.find() ? Double.parseDouble(m.group(2)) : -1;
    }

    /** Servers and the like, once the network is up. */
    void afterStart() {
    }

    @AfterAll
    void stopNetwork() {
        if (net != null) {
            net.close();
        }
    }
}
