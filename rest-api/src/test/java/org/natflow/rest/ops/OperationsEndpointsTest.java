package org.natflow.rest.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.controller.channel.OpenFlowServer;
import org.natflow.rest.testing.Poll;
import org.natflow.rest.testing.TcpFakeSwitch;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

// Spring Boot turns metrics export off in tests unless asked; the Prometheus endpoint is what we test.
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class OperationsEndpointsTest {

    @Autowired
    TestRestTemplate rest;
    @Autowired
    OpenFlowServer server;

    @Test
    void healthReportsListenerAndSwitches() throws Exception {
        try (TcpFakeSwitch sw = new TcpFakeSwitch(server.boundAddress(), 0xc01)) {
            Poll.until(Duration.ofSeconds(10), "switch in health", () -> {
                JsonNode h = rest.getForObject("/actuator/health", JsonNode.class);
                return h.at("/components/openflow/details/switches").asInt() == 1;
            });
            JsonNode h = rest.getForObject("/actuator/health", JsonNode.class);
            assertThat(h.at("/components/openflow/status").asText()).isEqualTo("UP");
            assertThat(h.at("/components/openflow/details/listener").asText())
                    .isEqualTo("127.0.0.1:" + server.boundAddress().getPort());
            assertThat(h.at("/components/openflow/details/dpids/0").asText()).isEqualTo("00:00:00:00:00:00:0c:01");
        }
    }

    @Test
    void prometheusExposesCoreMeters() throws Exception {
        try (TcpFakeSwitch sw = new TcpFakeSwitch(server.boundAddress(), 0xc02)) {
            sw.sendRaw(new byte[] {4, (byte) 200, 0, 8, 0, 0, 0, 1});
            Poll.until(Duration.ofSeconds(10), "skipped message counted",
                    () -> skipped(rest.getForObject("/actuator/prometheus", String.class)) >= 1);
        }
        String text = rest.getForObject("/actuator/prometheus", String.class);
        assertThat(text).contains("natflow_switches_connected", "natflow_packetin_total{queue=\"control\"}",
                "natflow_flowmod_latency_seconds_count", "natflow_flowmod_latency_seconds_bucket{le=",
                "natflow_packetin_dropped_total");
    }

    private static double skipped(String text) {
        var m = java.util.regex.Pattern.compile("(?m)^natflow_openflow_messages_skipped_total(?:\\{[^}]*\\})? (\\S+)$")
                .matcher(text);
        if (!m.find()) {
            throw new AssertionError("no skipped counter in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void openApiDocumentAndSwaggerUi() {
        JsonNode doc = rest.getForObject("/v3/api-docs", JsonNode.class);
        assertThat(doc.at("/paths").has("/api/v1/switches")).isTrue();
        assertThat(doc.at("/paths").has("/api/v1/switches/{dpid}/flows")).isTrue();
        ResponseEntity<String> ui = rest.getForEntity("/swagger-ui/index.html", String.class);
        assertThat(ui.getStatusCode()).isEqualTo(HttpStatus.OK);
    }
}
