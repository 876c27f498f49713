package org.natflow.rest.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.ApiCalls;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.nat.inside-networks=10.0.0.0/24", "natflow.nat.gateway-address=10.0.0.1",
        "natflow.nat.public-addresses=203.0.113.10-203.0.113.11", "natflow.nat.uplink-port=s1-eth1",
        "natflow.nat.public-network=203.0.113.0/24", "natflow.nat.upstream-gateway=203.0.113.1"})
class RelayResourceTest {

    @Autowired
    TestRestTemplate rest;

    private ResponseEntity<JsonNode> send(HttpMethod method, String path, String json, String token) {
        return ApiCalls.send(rest, method, path, json, token);
    }

    private ResponseEntity<JsonNode> post(String json) {
        return send(HttpMethod.POST, "/api/v1/relays", json, "test-token");
    }

    private int count() {
        return send(HttpMethod.GET, "/api/v1/relays", null, "test-read-token").getBody().size();
    }

    @Test
    void createReadDeleteWithAllocatedAndChosenPorts() {
        ResponseEntity<JsonNode> created = post("{\"protocol\":\"udp\",\"legs\":[{\"publicPort\":40000,"
                + "\"allowedSource\":\"198.51.100.0/24\"},{}],\"idleTimeout\":120,\"description\":\"game\"}");
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        JsonNode body = created.getBody();
        long id = body.get("id").asLong();
        assertThat(created.getHeaders().getLocation()).hasPath("/api/v1/relays/" + id);
        assertThat(body.get("publicAddress").asText()).isEqualTo("203.0.113.10");
        assertThat(body.get("legs").get(0).get("publicPort").asInt()).isEqualTo(40000);
        assertThat(body.get("legs").get(0).get("allowedSource").asText()).isEqualTo("198.51.100.0/24");
        assertThat(body.get("legs").get(1).get("publicPort").asInt()).as("allocated").isBetween(1024, 65535);
        assertThat(body.get("legs").get(0).get("boundPeer").isNull()).isTrue();
        assertThat(body.get("idleTimeout").asInt()).isEqualTo(120);

        JsonNode one = send(HttpMethod.GET, "/api/v1/relays/" + id, null, "test-read-token").getBody();
        assertThat(one.get("description").asText()).isEqualTo("game");

        ResponseEntity<JsonNode> taken = post("{\"protocol\":\"udp\",\"legs\":[{\"publicPort\":40001},"
                + "{\"publicPort\":40000}]}");
        assertThat(taken.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(taken.getBody().get("detail").asText()).contains("relay " + id);

        ResponseEntity<JsonNode> forward = send(HttpMethod.POST, "/api/v1/port-forwards", "{\"protocol\":\"udp\","
                + "\"publicPort\":40000,\"insideAddress\":\"10.0.0.20\",\"insidePort\":40000}", "test-token");
        assertThat(forward.getStatusCode()).as("a forward cannot take a relay's port")
                .isEqualTo(HttpStatus.CONFLICT);

        assertThat(send(HttpMethod.DELETE, "/api/v1/relays/" + id, null, "test-token").getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(send(HttpMethod.GET, "/api/v1/relays/" + id, null, "test-read-token").getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(send(HttpMethod.DELETE, "/api/v1/relays/" + id, null, "test-token").getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void badBodiesAreRefusedNamingTheFieldAndChangeNothing() {
        int before = count();
        String[][] cases = {
                {"{\"legs\":[{},{}]}", "protocol"},
                {"{\"protocol\":\"icmp\",\"legs\":[{},{}]}", "protocol"},
                {"{\"protocol\":\"tcp\",\"legs\":[{},{}]}", "protocol"},
                {"{\"protocol\":\"udp\"}", "legs"},
                {"{\"protocol\":\"udp\",\"legs\":[{}]}", "legs"},
                {"{\"protocol\":\"udp\",\"legs\":[{\"publicPort\":70000},{}]}", "legs[0].publicPort"},
                {"{\"protocol\":\"udp\",\"legs\":[{},{\"allowedSource\":\"nope\"}]}", "legs[1].allowedSource"},
                {"{\"protocol\":\"udp\",\"legs\":[{\"publicPort\":41000},{\"publicPort\":41000}]}",
                        "legs[1].publicPort"},
                {"{\"protocol\":\"udp\",\"publicAddress\":\"192.0.2.1\",\"legs\":[{},{}]}", "publicAddress"},
                {"{\"protocol\":\"udp\",\"legs\":[{},{}],\"idleTimeout\":0}", "idleTimeout"},
                {"{\"protocol\":\"udp\",\"legs\":[{},{}],\"idleTimeout\":\"soon\"}", "idleTimeout"},
        };
        for (String[] c : cases) {
            ResponseEntity<JsonNode> r = post(c[0]);
            assertThat(r.getStatusCode()).as(c[0]).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody().get("field").asText()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(post("{not json").getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void writesNeedCredentials() {
        assertThat(send(HttpMethod.POST, "/api/v1/relays", "{\"protocol\":\"udp\",\"legs\":[{},{}]}", null)
                .getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(send(HttpMethod.POST, "/api/v1/relays", "{\"protocol\":\"udp\",\"legs\":[{},{}]}", "wrong")
                .getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
    }
}
