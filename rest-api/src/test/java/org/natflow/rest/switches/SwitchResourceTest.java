package org.natflow.rest.switches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.controller.channel.OpenFlowServer;
import org.natflow.rest.testing.Poll;
import org.natflow.rest.testing.TcpFakeSwitch;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class SwitchResourceTest {

    @Autowired
    TestRestTemplate rest;
    @Autowired
    OpenFlowServer server;

    private JsonNode switches() {
        return rest.getForObject("/api/v1/switches", JsonNode.class);
    }

    private boolean listed(String dpid) {
        for (JsonNode s : switches()) {
            if (s.get("dpid").asText().equals(dpid)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void connectedSwitchIsListedWithPortsAndFlows() throws Exception {
        String dpid = "00:00:00:00:00:00:0a:01";
        try (TcpFakeSwitch sw = new TcpFakeSwitch(server.boundAddress(), 0xa01)) {
            Poll.until(Duration.ofSeconds(10), "switch listed", () -> listed(dpid));
            JsonNode one = rest.getForObject("/api/v1/switches/" + dpid, JsonNode.class);
            assertThat(one.get("openflowVersion").asText()).isEqualTo("OF_13");
            assertThat(one.get("address").asText()).startsWith("127.0.0.1:");
            assertThat(one.get("connectedAt").asText()).isNotBlank();
            JsonNode port = one.get("ports").get(0);
            assertThat(port.get("number").asInt()).isEqualTo(1);
            assertThat(port.get("name").asText()).isEqualTo("fake-eth1");
            assertThat(port.get("mac").asText()).isEqualTo("00:00:00:00:0a:01");
            assertThat(port.get("up").asBoolean()).isTrue();

            JsonNode flows = rest.getForObject("/api/v1/switches/" + dpid + "/flows", JsonNode.class);
            assertThat(flows).hasSize(1);
            assertThat(flows.get(0).get("priority").asInt()).as("the table-miss flow").isZero();
            assertThat(flows.get(0).get("actions").get(0).asText()).isEqualTo("output:controller");
            assertThat(flows.get(0).get("packetCount").asLong()).isEqualTo(3);
        }
        Poll.until(Duration.ofSeconds(10), "switch gone after disconnect", () -> !listed(dpid));
    }

    @Test
    void unknownSwitchIs404ProblemJson() {
        ResponseEntity<JsonNode> r = rest.getForEntity("/api/v1/switches/00:00:00:00:00:00:00:99", JsonNode.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(r.getBody().get("status").asInt()).isEqualTo(404);
        assertThat(r.getBody().get("detail").asText()).contains("00:00:00:00:00:00:00:99");
        ResponseEntity<JsonNode> flows =
                rest.getForEntity("/api/v1/switches/00:00:00:00:00:00:00:99/flows", JsonNode.class);
        assertThat(flows.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void malformedDpidIs400ProblemJson() {
        ResponseEntity<JsonNode> r = rest.getForEntity("/api/v1/switches/not-a-dpid", JsonNode.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(r.getBody().get("detail").asText()).contains("not-a-dpid");
    }

    @Test
    void garbageFromOneSwitchLeavesTheOtherServed() throws Exception {
        String good = "00:00:00:00:00:00:0b:01";
        String bad = "00:00:00:00:00:00:0b:02";
        try (TcpFakeSwitch g = new TcpFakeSwitch(server.boundAddress(), 0xb01);
             TcpFakeSwitch b = new TcpFakeSwitch(server.boundAddress(), 0xb02)) {
            Poll.until(Duration.ofSeconds(10), "both listed", () -> listed(good) && listed(bad));
            b.sendRaw(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4, 5, 6, 7, 8});
            Poll.until(Duration.ofSeconds(10), "garbage sender disconnected", () -> !listed(bad));
            assertThat(listed(good)).isTrue();
            ResponseEntity<JsonNode> flows = rest.getForEntity("/api/v1/switches/" + good + "/flows", JsonNode.class);
            assertThat(flows.getStatusCode()).isEqualTo(HttpStatus.OK);
        }
    }
}
