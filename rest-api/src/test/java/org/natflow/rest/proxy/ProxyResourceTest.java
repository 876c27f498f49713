package org.natflow.rest.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.ApiCalls;
import org.natflow.services.proxy.ProxyPolicy;
import org.natflow.services.proxy.ProxyServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** The proxy policy through the API: validation naming the field, passwords never shown, kept in the database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.nat.inside-networks=10.0.0.0/24", "natflow.nat.gateway-address=10.0.0.1",
        "natflow.nat.public-addresses=203.0.113.10", "natflow.nat.uplink-port=s1-eth1",
        "natflow.nat.public-network=203.0.113.0/24", "natflow.nat.upstream-gateway=203.0.113.1",
        "natflow.service-link.port=nfsvc-s1", "natflow.proxy.enabled=true"})
class ProxyResourceTest {

    @Autowired
    TestRestTemplate rest;
    @Autowired
    ProxyServer proxy;
    @Autowired
    JdbcProxyPolicyStore store;

    private ResponseEntity<JsonNode> put(String json, String token) {
        return ApiCalls.send(rest, HttpMethod.PUT, "/api/v1/proxy/policy", json, token);
    }

    private JsonNode get(String path) {
        return ApiCalls.send(rest, HttpMethod.GET, path, null, "test-read-token").getBody();
    }

    @AfterEach
    void defaults() {
        put("{}", "test-token");
    }

    @Test
    void aPolicyIsValidatedFieldByField() {
        String[][] cases = {
            {"{\"deniedDestinations\":[\"203.0.113.0/33\"]}", "deniedDestinations[0]"},
            {"{\"allowedDestinations\":[\"203.0.113.0/24:0\"]}", "allowedDestinations[0]"},
            {"{\"allowedSources\":[\"10.0.0.0/24\",\"ten\"]}", "allowedSources[1]"},
            {"{\"connectPorts\":[\"443\",\"70000\"]}", "connectPorts[1]"},
            {"{\"maxTunnelsPerHost\":0}", "maxTunnelsPerHost"},
            {"{\"connectTimeout\":0}", "connectTimeout"},
            {"{\"idleTimeout\":100000}", "idleTimeout"},
            {"{\"users\":[{\"name\":\"a b\",\"password\":\"x\"}]}", "users[0].name"},
            {"{\"users\":[{\"name\":\"bob\"}]}", "users[0].password"},
            {"{\"users\":[{\"name\":\"bob\",\"password\":\"\"}]}", "users[0].password"},
            {"{\"users\":[null]}", "users[0].name"},
            {"{\"maxTunnelsPerHost\":\"many\"}", "maxTunnelsPerHost"},
        };
        for (String[] c : cases) {
            ResponseEntity<JsonNode> r = put(c[0], "test-token");
            assertThat(r.getStatusCode().value()).as(c[0]).isEqualTo(400);
            assertThat(r.getBody().get("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(proxy.policy()).as("nothing changed").isEqualTo(ProxyPolicy.defaults());
    }

    @Test
    void aPolicyIsStoredAndShownWithoutPasswords() {
        assertThat(put("{\"deniedDestinations\":[]}", null).getStatusCode().value()).as("no credentials")
                .isEqualTo(401);
        ResponseEntity<JsonNode> r = put("{\"enabled\":true,\"users\":[{\"name\":\"alice\",\"password\":\"wonderland\"}],"
                + "\"allowedSources\":[\"10.0.0.0/25\"],\"deniedDestinations\":[\"0.0.0.0/0:25\"],"
                + "\"connectPorts\":[\"443\",\"8000-8099\"],\"maxTunnelsPerHost\":7,\"connectTimeout\":5,"
                + "\"idleTimeout\":60}", "test-token");
        assertThat(r.getStatusCode().value()).isEqualTo(200);
        assertThat(rest.getForObject("/api/v1/proxy/policy", JsonNode.class).get("status").asInt())
                .as("the policy names users: reading it needs the read role").isEqualTo(401);
        JsonNode shown = get("/api/v1/proxy/policy");
        assertThat(shown.toString()).doesNotContain("wonderland").doesNotContain("pbkdf2");
        assertThat(shown.get("users").get(0).get("name").asText()).isEqualTo("alice");
        assertThat(shown.get("deniedDestinations").get(0).asText()).isEqualTo("0.0.0.0/0:25");
        assertThat(shown.get("connectPorts").toString()).isEqualTo("[\"443\",\"8000-8099\"]");
        assertThat(shown.get("maxTunnelsPerHost").asInt()).isEqualTo(7);
        ProxyPolicy stored = store.load().orElseThrow();
        assertThat(stored).as("what a restart reads back").isEqualTo(proxy.policy());
        assertThat(stored.users().get(0).passwordHash()).startsWith("pbkdf2-sha256$");
        assertThat(get("/api/v1/proxy/tunnels").isArray()).isTrue();
        assertThat(ApiCalls.send(rest, HttpMethod.DELETE, "/api/v1/proxy/tunnels/5", null, "test-token")
                .getStatusCode().value()).isEqualTo(404);
    }
}
