package org.natflow.rest.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.natflow.rest.NatflowApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Rules survive a restart: the same data directory, a new application. */
class PersistenceRestartTest {

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(NatflowApplication.class).run(
                "--server.port=0", "--natflow.openflow.port=0", "--natflow.openflow.address=127.0.0.1",
                "--natflow.data-dir=" + dataDir, "--natflow.api.token=restart-token",
                "--natflow.nat.inside-networks=10.0.0.0/24", "--natflow.nat.gateway-address=10.0.0.1",
                "--natflow.nat.public-addresses=203.0.113.10", "--natflow.nat.uplink-port=s1-eth1",
                "--natflow.nat.public-network=203.0.113.0/24", "--natflow.nat.upstream-gateway=203.0.113.1");
    }

    private static TestRestTemplate rest(ConfigurableApplicationContext ctx) {
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        return new TestRestTemplate(new org.springframework.boot.web.client.RestTemplateBuilder()
                .rootUri("http://127.0.0.1:" + port));
    }

    @Test
    void rulesSurviveRestart() throws Exception {
        Path dir = Files.createTempDirectory("natflow-restart");
        long id;
        try (ConfigurableApplicationContext first = start(dir)) {
            HttpHeaders h = new HttpHeaders();
            h.setContentType(MediaType.APPLICATION_JSON);
            h.setBearerAuth("restart-token");
            JsonNode created = rest(first).postForObject("/api/v1/port-forwards", new HttpEntity<>(
                    "{\"protocol\":\"tcp\",\"publicPort\":2222,\"insideAddress\":\"10.0.0.5\",\"insidePort\":22,"
                            + "\"description\":\"ssh\"}", h), JsonNode.class);
            id = created.get("id").asLong();
        }
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).as("database file in the data dir")
                .anyMatch(n -> n.startsWith("natflow"));
        try (ConfigurableApplicationContext second = start(dir)) {
            JsonNode rule = rest(second).getForObject("/api/v1/port-forwards/" + id, JsonNode.class);
            assertThat(rule.get("publicPort").asInt()).isEqualTo(2222);
            assertThat(rule.get("description").asText()).isEqualTo("ssh");
            HttpHeaders h = new HttpHeaders();
            h.setContentType(MediaType.APPLICATION_JSON);
            h.setBearerAuth("restart-token");
            assertThat(rest(second).postForEntity("/api/v1/port-forwards", new HttpEntity<>(
                    "{\"protocol\":\"tcp\",\"publicPort\":2222,\"insideAddress\":\"10.0.0.6\",\"insidePort\":22}", h),
                    JsonNode.class).getStatusCode().value()).as("the restored rule still holds its port").isEqualTo(409);
        }
    }
}
