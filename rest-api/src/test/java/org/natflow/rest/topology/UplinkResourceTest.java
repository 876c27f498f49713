package org.natflow.rest.topology;

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

/** {@code /api/v1/uplinks} and {@code /api/v1/topology} without switches: reading, replacing, refusing. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.nat.inside-networks=10.0.0.0/24", "natflow.nat.gateway-address=10.0.0.1",
        "natflow.nat.public-addresses=203.0.113.50-203.0.113.53",
        "natflow.nat.uplinks=b1-eth1=203.0.113.50,00000000000000b2/1",
        "natflow.nat.public-network=203.0.113.0/24", "natflow.nat.upstream-gateway=203.0.113.1"})
class UplinkResourceTest {

    @Autowired
    TestRestTemplate rest;

    private ResponseEntity<JsonNode> put(String json, String token) {
        return ApiCalls.send(rest, HttpMethod.PUT, "/api/v1/uplinks", json, token);
    }

    @Test
    void configuredUplinksAreListedWithTheirShareOfThePool() {
        JsonNode list = rest.getForObject("/api/v1/uplinks", JsonNode.class);
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("port").asText()).isEqualTo("b1-eth1");
        assertThat(list.get(0).get("addresses").toString()).isEqualTo("[\"203.0.113.50\"]");
        assertThat(list.get(1).get("dpid").asText()).isEqualTo("00:00:00:00:00:00:00:b2");
        assertThat(list.get(1).get("portNumber").asInt()).isEqualTo(1);
        assertThat(list.get(1).get("addresses").toString())
                .isEqualTo("[\"203.0.113.51\",\"203.0.113.52\",\"203.0.113.53\"]");
        assertThat(list.get(0).get("border").isNull()).as("no switch connected").isTrue();
    }

    @Test
    void replacingNeedsTheTokenAndRefusesBadSetsWithoutChangingAnything() {
        String good = "[{\"port\":\"b1-eth1\",\"addresses\":[\"203.0.113.50-203.0.113.51\"]},{\"port\":\"b2-eth1\"}]";
        assertThat(put(good, null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
        String[][] bad = {
                {"[]", "at least one"},
                {"[{\"addresses\":[\"203.0.113.50\"]}]", "uplinks[0]: give port"},
                {"[{\"port\":\"a\",\"dpid\":\"1\",\"portNumber\":1}]", "uplinks[0]: give port"},
                {"[{\"dpid\":\"1\"}]", "dpid and portNumber go together"},
                {"[{\"dpid\":\"zz\",\"portNumber\":1}]", "uplinks[0]: not a dpid"},
                {"[{\"port\":\"a\",\"addresses\":[\"198.51.100.1\"]}]", "not in the pool"},
                {"[{\"port\":\"a\",\"addresses\":[\"banana\"]}]", "uplinks[0].addresses"},
                {"[{\"port\":\"a\"},{\"port\":\"a\"}]", "given twice"},
                {"[{\"port\":\"a\",\"addresses\":[\"203.0.113.50\"]},{\"port\":\"b\",\"addresses\":[\"203.0.113.50\"]}]",
                        "already belongs to uplink a"},
                {"{\"port\":\"a\"}", "Malformed"},
        };
        for (String[] b : bad) {
            ResponseEntity<JsonNode> r = put(b[0], "test-token");
            assertThat(r.getStatusCode()).as(b[0]).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getBody().toString()).as(b[0]).contains(b[1]);
        }
        assertThat(rest.getForObject("/api/v1/uplinks", JsonNode.class)).hasSize(2);
        ResponseEntity<JsonNode> ok = put(good, "test-token");
        assertThat(ok.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(ok.getBody().get(0).get("addresses").toString()).isEqualTo("[\"203.0.113.50\",\"203.0.113.51\"]");
        assertThat(ok.getBody().get(1).get("addresses").toString()).isEqualTo("[\"203.0.113.52\",\"203.0.113.53\"]");
        put("[{\"port\":\"b1-eth1\",\"addresses\":[\"203.0.113.50\"]},{\"dpid\":\"b2\",\"portNumber\":1}]", "test-token");
    }

    @Test
    void withoutTheFabricTheTopologyHasSwitchesOnly() {
        JsonNode t = rest.getForObject("/api/v1/topology", JsonNode.class);
        assertThat(t.get("fabric").asBoolean()).isFalse();
        assertThat(t.get("links")).isEmpty();
        assertThat(t.get("hosts")).isEmpty();
    }
}
