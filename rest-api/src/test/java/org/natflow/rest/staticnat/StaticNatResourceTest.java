package org.natflow.rest.staticnat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.ApiCalls;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** The static NAT resource's answers to good and bad requests (no switch: the rules only). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.nat.inside-networks=10.0.0.0/24", "natflow.nat.gateway-address=10.0.0.1",
        "natflow.nat.public-addresses=203.0.113.10-203.0.113.11", "natflow.nat.uplink-port=s1-eth1",
        "natflow.nat.public-network=203.0.113.0/24", "natflow.nat.upstream-gateway=203.0.113.1"})
class StaticNatResourceTest {

    @Autowired
    TestRestTemplate rest;

    private ResponseEntity<JsonNode> send(HttpMethod method, String path, String json) {
        return ApiCalls.send(rest, method, path, json, "test-token");
    }

    private ResponseEntity<JsonNode> post(String json) {
        return send(HttpMethod.POST, "/api/v1/static-nat", json);
    }

    private static void refused(ResponseEntity<JsonNode> r, int status, String text) {
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(status);
        assertThat(r.getBody().toString()).contains(text);
    }

    @Test
    void badBodiesNameTheFieldAndConflictsNameTheHolder() {
        refused(post("{\"insideAddress\":\"10.0.0.20\"}"), 400, "publicAddress");
        refused(post("{\"publicAddress\":\"203.0.113.70\"}"), 400, "insideAddress");
        refused(post("{\"publicAddress\":\"203.0.113.700\",\"insideAddress\":\"10.0.0.20\"}"), 400, "publicAddress");
        refused(post("{\"publicAddress\":\"203.0.113.70\",\"insideAddress\":\"10.0.0.20\",\"allowedSources\":"
                + "[\"198.51.100.0/33\"]}"), 400, "allowedSources");
        refused(post("{\"publicAddress\":\"203.0.113.70\",\"insideAddress\":\"10.0.0.20\",\"via\":\"203.0.113.12\"}"),
                400, "via");
        refused(post("{\"publicAddress\":\"203.0.113.70\",\"insideAddress\":\"10.1.0.20\"}"), 400, "inside networks");
        refused(post("{\"publicAddress\":\"203.0.113.11\",\"insideAddress\":\"10.0.0.20\"}"), 409, "NAT pool");
        refused(post("[1,2]"), 400, "");

        ResponseEntity<JsonNode> created = post("{\"publicAddress\":\"203.0.113.70\",\"insideAddress\":\"10.0.0.20\","
                + "\"allowedSources\":[\"198.51.100.0/24\"],\"description\":\"camera\"}");
        assertThat(created.getStatusCode().value()).isEqualTo(201);
        long id = created.getBody().get("id").asLong();
        assertThat(created.getHeaders().getLocation().toString()).endsWith("/api/v1/static-nat/" + id);
        assertThat(created.getBody().get("via").asText()).isEqualTo("203.0.113.10");
        assertThat(created.getBody().get("remotes").size()).isZero();
        try {
            refused(post("{\"publicAddress\":\"203.0.113.70\",\"insideAddress\":\"10.0.0.21\"}"), 409,
                    "static NAT " + id);
            refused(post("{\"publicAddress\":\"203.0.113.71\",\"insideAddress\":\"10.0.0.20\"}"), 409,
                    "static NAT " + id);
            ResponseEntity<JsonNode> moved = send(HttpMethod.PUT, "/api/v1/static-nat/" + id,
                    "{\"publicAddress\":\"203.0.113.71\",\"insideAddress\":\"10.0.0.20\",\"enabled\":false}");
            assertThat(moved.getStatusCode().value()).as(String.valueOf(moved.getBody())).isEqualTo(200);
            assertThat(post("{\"publicAddress\":\"203.0.113.70\",\"insideAddress\":\"10.0.0.21\"}").getStatusCode()
                    .value()).as("the old address is free again").isEqualTo(201);
            refused(post("{\"publicAddress\":\"203.0.113.71\",\"insideAddress\":\"10.0.0.22\"}"), 409,
                    "static NAT " + id); // a disabled rule keeps its address
        } finally {
            for (JsonNode r : send(HttpMethod.GET, "/api/v1/static-nat", null).getBody()) {
                send(HttpMethod.DELETE, "/api/v1/static-nat/" + r.get("id").asLong(), null);
            }
        }
        refused(send(HttpMethod.DELETE, "/api/v1/static-nat/" + id, null), 404, "no static NAT " + id);
        assertThat(send(HttpMethod.GET, "/api/v1/static-nat", null).getBody().size()).isZero();
        assertThat(rest.getForEntity("/api/v1/static-nat", String.class).getStatusCode().value())
                .as("who has which address, and whom it talks to: the read role's").isEqualTo(401);
    }
}
