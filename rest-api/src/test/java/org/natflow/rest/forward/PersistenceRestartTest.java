package org.natflow.rest.forward;

import org.springframework.http.HttpMethod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
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

/**
 * Rules survive a restart: the same database, a new application. Once with the embedded default, once with
 * a real PostgreSQL ({@code NATFLOW_TEST_POSTGRES_URL}, set up by {@code ./natflow test}).
 */
class PersistenceRestartTest {

    private static ConfigurableApplicationContext start(String... database) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0", "--natflow.openflow.port=0", "--natflow.openflow.address=127.0.0.1",
                "--natflow.api.token=restart-token",
                "--natflow.nat.inside-networks=10.0.0.0/24", "--natflow.nat.gateway-address=10.0.0.1",
                "--natflow.nat.public-addresses=203.0.113.10", "--natflow.nat.uplink-port=s1-eth1",
                "--natflow.nat.public-network=203.0.113.0/24", "--natflow.nat.upstream-gateway=203.0.113.1",
                "--natflow.dhcp.enabled=true", "--natflow.dhcp.ranges=10.0.0.100-10.0.0.199"));
        args.addAll(List.of(database));
        return new SpringApplicationBuilder(NatflowApplication.class).run(args.toArray(String[]::new));
    }

    private static TestRestTemplate rest(ConfigurableApplicationContext ctx) {
        int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
        return new TestRestTemplate(new org.springframework.boot.web.client.RestTemplateBuilder()
                .rootUri("http://127.0.0.1:" + port));
    }

    @Test
    void rulesSurviveRestartInTheEmbeddedDatabase() throws Exception {
        Path dir = Files.createTempDirectory("natflow-restart");
        survivesRestart("--natflow.data-dir=" + dir);
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).as("database file in the data dir")
                .anyMatch(n -> n.startsWith("natflow"));
    }

    @Test
    void rulesSurviveRestartInPostgresql() throws Exception {
        String url = System.getenv("NATFLOW_TEST_POSTGRES_URL");
        if (url == null) {
            if (System.getenv("CI") != null || System.getenv("NATFLOW_REQUIRE_E2E") != null) {
                throw new AssertionError("NATFLOW_TEST_POSTGRES_URL is not set: ./natflow test starts PostgreSQL");
            }
            Assumptions.abort("no PostgreSQL (./natflow test sets one up)");
        }
        try (Connection c = DriverManager.getConnection(url, "natflow", "natflow")) {
            // Every table an earlier run left, whatever migrations it had: Flyway starts from an empty schema.
            java.util.List<String> tables = new java.util.ArrayList<>();
            var rs = c.createStatement().executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
            while (rs.next()) {
                tables.add('"' + rs.getString(1).replace("\"", "") + '"');
            }
            if (!tables.isEmpty()) {
                c.createStatement().execute("DROP TABLE IF EXISTS " + String.join(", ", tables) + " CASCADE");
            }
        }
        survivesRestart("--spring.datasource.url=" + url, "--spring.datasource.username=natflow",
                "--spring.datasource.password=natflow");
        try (Connection c = DriverManager.getConnection(url, "natflow", "natflow")) {
            var rs = c.createStatement().executeQuery("SELECT count(*) FROM port_forward WHERE public_port = 2222");
            rs.next();
            assertThat(rs.getInt(1)).as("the rule is in PostgreSQL").isEqualTo(1);
        }
    }

    private void survivesRestart(String... database) {
        long id;
        long relayId;
        int relayPort;
        try (ConfigurableApplicationContext first = start(database)) {
            HttpHeaders h = new HttpHeaders();
            h.setContentType(MediaType.APPLICATION_JSON);
            h.setBearerAuth("restart-token");
            JsonNode created = rest(first).postForObject("/api/v1/port-forwards", new HttpEntity<>(
                    "{\"protocol\":\"tcp\",\"publicPort\":2222,\"insideAddress\":\"10.0.0.5\",\"insidePort\":22,"
                            + "\"description\":\"ssh\"}", h), JsonNode.class);
            id = created.get("id").asLong();
            JsonNode relay = rest(first).postForObject("/api/v1/relays", new HttpEntity<>(
                    "{\"protocol\":\"udp\",\"legs\":[{\"publicPort\":40000,\"allowedSource\":\"198.51.100.0/24\"},"
                            + "{}],\"description\":\"game\"}", h), JsonNode.class);
            relayId = relay.get("id").asLong();
            relayPort = relay.get("legs").get(1).get("publicPort").asInt();
            assertThat(rest(first).postForEntity("/api/v1/intercepts", new HttpEntity<>("{\"sources\":[\"10.0.0.0/24\"],"
                    + "\"ports\":[\"443\"],\"fallback\":\"refuse\"}", h), JsonNode.class).getStatusCode().value())
                    .isEqualTo(201);
            assertThat(rest(first).postForEntity("/api/v1/dhcp/reservations", new HttpEntity<>(
                    "{\"mac\":\"02:00:00:00:00:0c\",\"address\":\"10.0.0.50\",\"hostname\":\"printer\"}", h),
                    JsonNode.class).getStatusCode().value()).isEqualTo(201);
            // A lease as the DHCP server writes it before its ACK.
            first.getBean(org.natflow.apps.dhcp.LeaseStore.class).save(new org.natflow.apps.dhcp.Lease(
                    org.projectfloodlight.openflow.types.IPv4Address.of("10.0.0.120"),
                    org.projectfloodlight.openflow.types.MacAddress.of("02:00:00:00:00:0d"), "0102000000000d", "laptop",
                    System.currentTimeMillis() + 3_600_000, true));
        }
        try (ConfigurableApplicationContext second = start(database)) {
            JsonNode rule = rest(second).getForObject("/api/v1/port-forwards/" + id, JsonNode.class);
            assertThat(rule.get("publicPort").asInt()).isEqualTo(2222);
            assertThat(rule.get("description").asText()).isEqualTo("ssh");
            HttpHeaders h = new HttpHeaders();
            h.setContentType(MediaType.APPLICATION_JSON);
            h.setBearerAuth("restart-token");
            assertThat(rest(second).postForEntity("/api/v1/port-forwards", new HttpEntity<>(
                    "{\"protocol\":\"tcp\",\"publicPort\":2222,\"insideAddress\":\"10.0.0.6\",\"insidePort\":22}", h),
                    JsonNode.class).getStatusCode().value()).as("the restored rule still holds its port").isEqualTo(409);
            JsonNode relay = rest(second).exchange("/api/v1/relays/" + relayId, HttpMethod.GET, new HttpEntity<>(h),
                    JsonNode.class).getBody();
            assertThat(relay.get("legs").get(0).get("allowedSource").asText()).isEqualTo("198.51.100.0/24");
            assertThat(relay.get("legs").get(1).get("publicPort").asInt()).as("the allocated port kept").isEqualTo(relayPort);
            assertThat(rest(second).postForEntity("/api/v1/port-forwards", new HttpEntity<>(
                    "{\"protocol\":\"udp\",\"publicPort\":" + relayPort + ",\"insideAddress\":\"10.0.0.6\","
                            + "\"insidePort\":53}", h), JsonNode.class).getStatusCode().value())
                    .as("the restored relay still holds its ports").isEqualTo(409);
            String intercepts = rest(second).exchange("/api/v1/intercepts", HttpMethod.GET, new HttpEntity<>(h),
                    String.class).getBody();
            assertThat(intercepts).as("the interception rule").contains("\"443\"").contains("\"refuse\"");
            String reservations = rest(second).exchange("/api/v1/dhcp/reservations", HttpMethod.GET,
                    new HttpEntity<>(h), String.class).getBody();
            assertThat(reservations).contains("02:00:00:00:00:0c").contains("10.0.0.50");
            String leases = rest(second).exchange("/api/v1/dhcp/leases", HttpMethod.GET, new HttpEntity<>(h),
                    String.class).getBody();
            assertThat(leases).as("the lease, loaded by the restarted server").contains("10.0.0.120")
                    .contains("laptop").contains("\"bound\"");
        }
    }
}
