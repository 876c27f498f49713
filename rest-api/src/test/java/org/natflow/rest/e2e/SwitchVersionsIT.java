package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** Real OVS bridges speaking OpenFlow 1.0, 1.3, 1.4 and 1.5 against natflow. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class SwitchVersionsIT extends MininetIT {

    private static final Map<String, String> VERSIONS = Map.of(
            "s1", "OF_10", "s2", "OF_13", "s3", "OF_14", "s4", "OF_15");

    @Override
    Map<String, Object> topology(int controllerPort) throws Exception {
        return Topologies.spec(controllerPort)
                .sw("s1", 1, "OpenFlow10").sw("s2", 2, "OpenFlow13").sw("s3", 3, "OpenFlow14")
                .sw("s4", 4, "OpenFlow15")
                .host("h1", "10.0.0.1/24", "s1").host("h2", "10.0.0.2/24", "s2")
                .link("s1", "s2").link("s2", "s3").link("s3", "s4").build();
    }

    @Override
    String[] awaitSwitches() {
        return new String[] {"s1", "s2", "s3", "s4"};
    }

    private Map<String, JsonNode> listed() {
        Map<String, JsonNode> byDpid = new HashMap<>();
        for (JsonNode s : rest.getForObject("/api/v1/switches", JsonNode.class)) {
            byDpid.put(s.get("dpid").asText(), s);
        }
        return byDpid;
    }

    private void awaitAllConnected() {
        Poll.until(Duration.ofSeconds(30), "all four bridges connected", () -> {
            Map<String, JsonNode> now = listed();
            return VERSIONS.keySet().stream().allMatch(s -> now.containsKey(net.dpid(s)));
        });
    }

    @Test
    void everyVersionConnectsAndIsListedWithItsPorts() {
        awaitAllConnected();
        Map<String, JsonNode> now = listed();
        VERSIONS.forEach((name, version) -> {
            JsonNode sw = now.get(net.dpid(name));
            assertThat(sw.get("openflowVersion").asText()).as(name).isEqualTo(version);
            assertThat(sw.get("address").asText()).startsWith("127.0.0.1:");
            assertThat(sw.get("ports").findValuesAsText("name")).as(name + " ports").contains(name + "-eth1");
        });
    }

    @Test
    void flowTablesAreReadFromEachVersion() {
        awaitAllConnected();
        for (String name : VERSIONS.keySet()) {
            ResponseEntity<JsonNode> r =
                    rest.getForEntity("/api/v1/switches/" + net.dpid(name) + "/flows", JsonNode.class);
            assertThat(r.getStatusCode()).as(name).isEqualTo(HttpStatus.OK);
            if (!name.equals("s1")) {
                assertThat(r.getBody().findValuesAsText("cookie")).as(name + " table-miss flow")
                        .contains("0x1000000000000");
            }
        }
        assertThat(net.sh("ovs-ofctl -O OpenFlow13 dump-flows s2").out())
                .contains("cookie=0x1000000000000", "priority=0", "actions=CONTROLLER:65535");
    }

    @Test
    void bridgeWithoutControllerDisappearsAndComesBack() {
        awaitAllConnected();
        String connectedAt = listed().get(net.dpid("s3")).get("connectedAt").asText();
        assertThat(net.sh("ovs-vsctl del-controller s3").ok()).isTrue();
        Poll.until(Duration.ofSeconds(15), "s3 gone", () -> !listed().containsKey(net.dpid("s3")));
        assertThat(listed()).containsKey(net.dpid("s2"));
        int port = server.boundAddress().getPort();
        assertThat(net.sh("ovs-vsctl set-controller s3 tcp:127.0.0.1:" + port).ok()).isTrue();
        Poll.until(Duration.ofSeconds(30), "s3 back", () -> listed().containsKey(net.dpid("s3")));
        assertThat(listed().get(net.dpid("s3")).get("connectedAt").asText()).isNotEqualTo(connectedAt);
    }

    @Test
    void garbageFromAnotherConnectionDoesNotDisturbRealSwitches() throws Exception {
        awaitAllConnected();
        String connectedAt = listed().get(net.dpid("s2")).get("connectedAt").asText();
        try (Socket garbage = new Socket("127.0.0.1", server.boundAddress().getPort())) {
            garbage.setSoTimeout(10_000);
            OutputStream out = garbage.getOutputStream();
            out.write("\u00ff\u00feGARBAGE, not OpenFlow".getBytes());
            out.flush();
            assertThat(readsToEnd(garbage)).as("natflow closes the garbage connection").isTrue();
        }
        ResponseEntity<JsonNode> flows =
                rest.getForEntity("/api/v1/switches/" + net.dpid("s2") + "/flows", JsonNode.class);
        assertThat(flows.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(listed().get(net.dpid("s2")).get("connectedAt").asText())
                .as("s2 never reconnected").isEqualTo(connectedAt);
        assertThat(listed()).containsKeys(net.dpid("s1"), net.dpid("s4"));
    }

    /** Reads until the peer closes (true) or nothing comes for the socket timeout (false). */
    private static boolean readsToEnd(Socket socket) {
        try {
            byte[] buf = new byte[1024];
            while (socket.getInputStream().read(buf) != -1) {
                // natflow's hello arrives first
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException reset) {
            return true;
        }
    }
}
