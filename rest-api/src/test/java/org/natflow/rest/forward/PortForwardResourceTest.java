package org.natflow.rest.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.MappingTable;
import org.natflow.apps.nat.NatSession;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.Dpid;
import org.natflow.rest.testing.ApiCalls;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.nat.inside-networks=10.0.0.0/24", "natflow.nat.gateway-address=10.0.0.1",
        "natflow.nat.public-addresses=203.0.113.10-203.0.113.11", "natflow.nat.uplink-port=s1-eth1",
        "natflow.nat.public-network=203.0.113.0/24", "natflow.nat.upstream-gateway=203.0.113.1",
        "natflow.api.username=admin", "natflow.api.password=s3cret"})
class PortForwardResourceTest {

    @Autowired
    TestRestTemplate rest;
    @Autowired
    MappingTable sessions;
    @Autowired
    PublicPorts ports;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private ResponseEntity<JsonNode> send(HttpMethod method, String path, String json, String token) {
        return ApiCalls.send(rest, method, path, json, token);
    }

    private ResponseEntity<JsonNode> post(String json) {
        return send(HttpMethod.POST, "/api/v1/port-forwards", json, "test-token");
    }

    private int count() {
        return rest.getForObject("/api/v1/port-forwards", JsonNode.class).size();
    }

    /** A rule; the inside port follows the public one, so rules never share an inside endpoint. */
    private static String rule(int publicPort) {
        return "{\"protocol\":\"tcp\",\"publicPort\":" + publicPort + ",\"insideAddress\":\"10.0.0.20\","
                + "\"insidePort\":" + publicPort + ",\"description\":\"web\"}";
    }

    @Test
    void createReadUpdateDelete() {
        ResponseEntity<JsonNode> created = post(rule(8080));
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        long id = created.getBody().get("id").asLong();
        assertThat(created.getHeaders().getLocation()).hasPath("/api/v1/port-forwards/" + id);
        assertThat(created.getBody().get("publicAddress").asText()).as("defaults to the first pool address")
                .isEqualTo("203.0.113.10");
        assertThat(created.getBody().get("publicPortEnd").asInt()).isEqualTo(8080);
        assertThat(created.getBody().get("enabled").asBoolean()).isTrue();

        JsonNode one = rest.getForObject("/api/v1/port-forwards/" + id, JsonNode.class);
        assertThat(one.get("insideAddress").asText()).isEqualTo("10.0.0.20");

        ResponseEntity<JsonNode> updated = send(HttpMethod.PUT, "/api/v1/port-forwards/" + id,
                "{\"protocol\":\"tcp\",\"publicPort\":8080,\"insideAddress\":\"10.0.0.21\",\"insidePort\":8000,"
                        + "\"allowedSources\":[\"198.51.100.0/24\"],\"enabled\":false}", "test-token");
        assertThat(updated.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(updated.getBody().get("allowedSources").get(0).asText()).isEqualTo("198.51.100.0/24");
        assertThat(rest.getForObject("/api/v1/port-forwards/" + id, JsonNode.class).get("enabled").asBoolean())
                .isFalse();

        assertThat(send(HttpMethod.DELETE, "/api/v1/port-forwards/" + id, null, "test-token").getStatusCode())
                .isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(rest.getForEntity("/api/v1/port-forwards/" + id, JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void portRangeMapsOntoEqualLengthRange() {
        ResponseEntity<JsonNode> r = post("{\"protocol\":\"udp\",\"publicPort\":30000,\"publicPortEnd\":30009,"
                + "\"insideAddress\":\"10.0.0.30\",\"insidePort\":40000}");
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(r.getBody().get("publicPortEnd").asInt()).isEqualTo(30009);
        assertThat(post("{\"protocol\":\"udp\",\"publicPort\":30005,\"insideAddress\":\"10.0.0.31\","
                + "\"insidePort\":1}").getStatusCode()).as("inside the range").isEqualTo(HttpStatus.CONFLICT);
    }

    @Test
    void writesNeedCredentialsAndChangeNothingWithout() {
        int before = count();
        ResponseEntity<JsonNode> none = send(HttpMethod.POST, "/api/v1/port-forwards", rule(8081), null);
        assertThat(none.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(none.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(send(HttpMethod.POST, "/api/v1/port-forwards", rule(8081), "wrong").getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(count()).isEqualTo(before);
        assertThat(rest.withBasicAuth("admin", "wrong").postForEntity("/api/v1/port-forwards",
                json(rule(8081)), JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        ResponseEntity<JsonNode> basic = rest.withBasicAuth("admin", "s3cret")
                .postForEntity("/api/v1/port-forwards", json(rule(8081)), JsonNode.class);
        assertThat(basic.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        long id = basic.getBody().get("id").asLong();
        assertThat(send(HttpMethod.DELETE, "/api/v1/port-forwards/" + id, null, null).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
        assertThat(rest.getForEntity("/api/v1/port-forwards/" + id, JsonNode.class).getStatusCode())
                .as("reads are open").isEqualTo(HttpStatus.OK);
    }

    private static HttpEntity<String> json(String body) {
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.APPLICATION_JSON);
        return new HttpEntity<>(body, h);
    }

    @Test
    void invalidFieldsAre400NamingTheFieldAndStoreNothing() {
        int before = count();
        Map<String, String> cases = Map.of(
                "{\"protocol\":\"sctp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1}", "protocol",
                "{\"protocol\":\"tcp\",\"publicPort\":0,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1}", "publicPort",
                "{\"protocol\":\"tcp\",\"publicPort\":70000,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1}", "publicPort",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.2\",\"insidePort\":65536}", "insidePort",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"192.0.2.5\",\"insidePort\":1}", "insideAddress",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1,"
                        + "\"publicAddress\":\"203.0.113.99\"}", "publicAddress",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1,"
                        + "\"allowedSources\":[\"nonsense\"]}", "allowedSources",
                "{\"protocol\":\"tcp\",\"publicPort\":\"abc\",\"insideAddress\":\"10.0.0.2\",\"insidePort\":1}", "publicPort",
                "{\"protocol\":\"tcp\",\"publicPort\":9010,\"publicPortEnd\":9000,\"insideAddress\":\"10.0.0.2\","
                        + "\"insidePort\":1}", "publicPortEnd",
                "{\"protocol\":\"udp\",\"insideAddress\":\"10.0.0.2\",\"insidePort\":1}", "publicPort");
        cases.forEach((body, field) -> {
            ResponseEntity<JsonNode> r = post(body);
            assertThat(r.getStatusCode()).as(body).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(r.getBody().get("field").asText()).as(body).isEqualTo(field);
            assertThat(r.getBody().get("detail").asText()).as(body).contains(field);
        });
        String hundredAndOne = String.join(",", java.util.Collections.nCopies(101, "\"198.51.100.0/24\""));
        Map<String, String> hostile = Map.of(
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1,"
                        + "\"allowedSources\":[null]}", "allowedSources",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1,"
                        + "\"allowedSources\":[" + hundredAndOne + "]}", "allowedSources",
                "{\"protocol\":\"tcp\",\"publicPort\":80.5,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1}", "publicPort",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"010.0.0.2\",\"insidePort\":1}",
                "insideAddress",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"\uff11\uff10.0.0.2\",\"insidePort\":1}",
                "insideAddress",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.1\",\"insidePort\":1}",
                "insideAddress",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.0\",\"insidePort\":1}",
                "insideAddress",
                "{\"protocol\":\"tcp\",\"publicPort\":9000,\"insideAddress\":\"10.0.0.255\",\"insidePort\":1}",
                "insideAddress");
        hostile.forEach((body, field) -> {
            ResponseEntity<JsonNode> r = post(body);
            assertThat(r.getStatusCode()).as(body).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody().get("field").asText()).as(body).isEqualTo(field);
        });
        ResponseEntity<JsonNode> garbage = post("{\"protocol\": tcp,,}");
        assertThat(garbage.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(garbage.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void duplicatesAndLiveMappingsAre409() {
        assertThat(post(rule(9443)).getStatusCode()).isEqualTo(HttpStatus.CREATED);
        int before = count();
        ResponseEntity<JsonNode> dup = post(rule(9443));
        assertThat(dup.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(dup.getBody().get("detail").asText()).contains("overlaps port forward");
        assertThat(post("{\"protocol\":\"udp\",\"publicPort\":9443,\"insideAddress\":\"10.0.0.20\","
                + "\"insidePort\":53}").getStatusCode()).as("other protocol").isEqualTo(HttpStatus.CREATED);
        ResponseEntity<JsonNode> sameInside = post("{\"protocol\":\"tcp\",\"publicPort\":9444,"
                + "\"insideAddress\":\"10.0.0.20\",\"insidePort\":9443}");
        assertThat(sameInside.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(sameInside.getBody().get("detail").asText()).contains("inside endpoint 10.0.0.20:9443");

        NatSession live;
        try {
            live = sessions.getOrCreate(Protocol.TCP, IPv4Address.of("10.0.0.77"), 5555,
                    new org.natflow.apps.border.Border(new Dpid(1), org.projectfloodlight.openflow.protocol.OFFactories
                            .getFactory(org.projectfloodlight.openflow.protocol.OFVersion.OF_13), OFPort.of(1),
                            ports.pool()), MacAddress.of(1), OFPort.of(2)).session();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        ResponseEntity<JsonNode> held = post("{\"protocol\":\"tcp\",\"publicAddress\":\"" + live.publicAddress()
                + "\",\"publicPort\":" + live.publicPort() + ",\"insideAddress\":\"10.0.0.21\",\"insidePort\":22}");
        assertThat(held.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
        assertThat(held.getBody().get("detail").asText()).contains("mapping " + live.id(), "10.0.0.77:5555");
        assertThat(count()).isEqualTo(before + 1);
    }

    @Test
    void oversizedBodiesAre413AndStoreNothing() {
        int before = count();
        String huge = "{\"protocol\":\"tcp\",\"publicPort\":7000,\"insideAddress\":\"10.0.0.2\",\"insidePort\":1,"
                + "\"description\":\"" + "x".repeat(200_000) + "\"}";
        ResponseEntity<JsonNode> r = post(huge);
        assertThat(r.getStatusCode().value()).isEqualTo(413);
        assertThat(r.getHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(send(HttpMethod.PUT, "/api/v1/port-forwards/1", huge, "test-token").getStatusCode().value())
                .isEqualTo(413);
        // Chunked, no declared length: refused while reading.
        java.net.http.HttpResponse<String> chunked;
        try {
            chunked = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/port-forwards"))
                    .header("Authorization", "Bearer test-token").header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(huge.getBytes()))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(count()).isEqualTo(before);
    }

    @Test
    void unknownIdsAre404() {
        assertThat(rest.getForEntity("/api/v1/port-forwards/999999", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(send(HttpMethod.PUT, "/api/v1/port-forwards/999999", rule(1000), "test-token").getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(send(HttpMethod.DELETE, "/api/v1/port-forwards/999999", null, "test-token").getStatusCode())
                .isEqualTo(HttpStatus.NOT_FOUND);
    }
}
