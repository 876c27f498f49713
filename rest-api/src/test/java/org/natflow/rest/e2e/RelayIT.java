package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Relay rules between two peers that cannot reach each other directly: hA behind a Linux NAT (site 1), hB
 * behind natflow (site 2), no forwards. Each sends to its own leg of a relay on natflow's public address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class RelayIT extends TwoSitesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private String peer(int bind, int leg, int count, String tag, double linger) {
        return "exec /usr/bin/python3 " + MininetEnvironment.projectRoot().resolve("mininet/tools/udp_peer.py")
                + " --bind " + bind + " --to 203.0.113.10:" + leg + " --count " + count
                + " --interval 0.1 --linger " + linger + " --tag " + tag;
    }

    /**
     * Both peers exchange datagrams. B (behind natflow) is up first; with {@code answer} it sends only once it
     * hears A, so no datagram is sent before its receiver is there (a relay that is not yet active would
     * never carry A's datagrams, so the first exchange has B send at once). Returns what A and B reported.
     */
    private JsonNode[] exchange(int count, String tag, boolean answer) throws IOException {
        java.nio.file.Path reportB = MininetEnvironment.projectRoot().resolve("rest-api/target/relay-peer-b.json");
        java.nio.file.Files.deleteIfExists(reportB);
        net.spawn("hB", "peerB", peer(6000, 40001, count, "B" + tag, 3.0) + (answer ? " --answer" : "")
                + " --deadline " + (count * 0.1 + 5) + " > " + reportB);
        Poll.until(Duration.ofSeconds(10), "B's socket bound", () -> net.cmd("hB", "ss -lunH | grep -q ':6000 '").ok());
        MininetNetwork.Result a = net.cmd("hA", peer(5000, 40000, count, "A" + tag, 3.0), Duration.ofSeconds(30));
        Poll.until(Duration.ofSeconds(10), "B's report", () -> read(reportB).endsWith("\n"));
        net.kill("peerB");
        return new JsonNode[] {JSON.readTree(a.out().lines().reduce((x, y) -> y).orElse("{}")),
                JSON.readTree(read(reportB))};
    }

    private static String read(java.nio.file.Path p) {
        try {
            return java.nio.file.Files.exists(p) ? java.nio.file.Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private JsonNode relay(long id) {
        return rest.getForObject("/api/v1/relays/" + id, JsonNode.class);
    }

    @Test
    void udpIsRelayedInTheSwitchBetweenPeersBehindTwoNatsAndStopsWhenTheRuleGoes() throws Exception {
        ResponseEntity<JsonNode> created = RestClient.write(rest, HttpMethod.POST, "/api/v1/relays",
                "{\"protocol\":\"udp\",\"legs\":[{\"publicPort\":40000},{\"publicPort\":40001}],"
                        + "\"description\":\"A <-> B\"}");
        assertThat(created.getStatusCode().value()).isEqualTo(201);
        long id = created.getBody().get("id").asLong();
        Poll.until(Duration.ofSeconds(5), "leg flows installed", () -> net
                .sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1 | grep priority=235").out().contains("tp_dst=40001"));

        JsonNode[] first = exchange(30, "1", false);
        assertThat(first[1].get("received").asInt()).as("B hears A: " + first[1]).isGreaterThan(10);
        assertThat(first[0].get("received").asInt()).as("A hears B: " + first[0]).isGreaterThan(10);
        // Each peer hears the other from the relay endpoint it sends to (what its own NAT lets back in).
        assertThat(first[1].get("from").toString()).as("B sees only its relay endpoint")
                .isEqualTo("[\"203.0.113.10:40001\"]");
        assertThat(first[0].get("from").toString()).as("A sees only its relay endpoint")
                .isEqualTo("[\"203.0.113.10:40000\"]");
        assertThat(first[1].get("payloads").get(0).asText()).startsWith("A1-");

        JsonNode bound = relay(id);
        assertThat(bound.get("legs").get(0).get("boundPeer").asText()).as("site 1's public address")
                .startsWith("203.0.113.50:");
        assertThat(bound.get("legs").get(1).get("boundPeer").asText()).isEqualTo("10.0.0.2:6000");
        assertThat(net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1 | grep -c priority=240").out().trim())
                .isEqualTo("2");

        // Established: a second exchange runs entirely in the switch.
        long controllerBefore = bound.get("controllerPackets").asLong();
        long switchedBefore = bound.get("legs").get(0).get("packets").asLong();
        JsonNode[] second = exchange(30, "2", true);
        assertThat(second[0].get("received").asInt()).isEqualTo(30);
        assertThat(second[1].get("received").asInt()).isEqualTo(30);
        JsonNode after = relay(id);
        assertThat(after.get("controllerPackets").asLong()).as("no packet-ins for an active UDP relay")
                .isEqualTo(controllerBefore);
        assertThat(after.get("legs").get(0).get("packets").asLong()).as("counted in the switch")
                .isGreaterThanOrEqualTo(switchedBefore + 30);

        assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/relays/" + id, null).getStatusCode().value())
                .isEqualTo(204);
        Poll.until(Duration.ofSeconds(5), "relay flows gone", () -> !net
                .sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1").out().contains("priority=240"));
        JsonNode[] third = exchange(10, "3", true);
        assertThat(third[0].get("received").asInt()).as("nothing relayed after delete").isZero();
        assertThat(third[1].get("received").asInt()).isZero();
    }

    private String tcpPeer(int leg, String message, int bulk) {
        return "exec /usr/bin/python3 " + MininetEnvironment.projectRoot().resolve("mininet/tools/tcp_peer.py")
                + " --to 203.0.113.10:" + leg + " --send " + message + " --bulk " + bulk;
    }

    @Test
    void tcpLegsAreSplicedByTheRelayServiceOverTheServiceLink() throws Exception {
        ResponseEntity<JsonNode> created = RestClient.write(rest, HttpMethod.POST, "/api/v1/relays",
                "{\"protocol\":\"tcp\",\"legs\":[{\"publicPort\":41000},{\"publicPort\":41001}]}");
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        long id = created.getBody().get("id").asLong();
        Poll.until(Duration.ofSeconds(10), "relay service listening on the link", () -> net
                .sh("ss -ltnH '( sport = :41000 or sport = :41001 )' | grep -c 169.254.100.1").out().trim().equals("2"));
        java.nio.file.Path reportB = MininetEnvironment.projectRoot().resolve("rest-api/target/relay-tcp-b.json");
        java.nio.file.Files.deleteIfExists(reportB);
        // B (behind natflow) connects first and waits; A (behind the Linux NAT) joins; each sends, then reads.
        net.spawn("hB", "tcpB", tcpPeer(41001, "hello-from-B", 0) + " > " + reportB);
        Poll.until(Duration.ofSeconds(10), "B bound", () -> !relay(id).get("legs").get(1).get("boundPeer").isNull());
        MininetNetwork.Result a = net.cmd("hA", tcpPeer(41000, "hello-from-A", 2_000_000), Duration.ofSeconds(30));
        Poll.until(Duration.ofSeconds(10), "B's report", () -> read(reportB).endsWith("\n"));
        net.kill("tcpB");
        JsonNode gotA = JSON.readTree(a.out().lines().reduce((x, y) -> y).orElse("{}"));
        JsonNode gotB = JSON.readTree(read(reportB));
        assertThat(gotA.get("received").asText()).as(a.out()).isEqualTo("hello-from-B");
        assertThat(gotB.get("received").asText()).startsWith("hello-from-A");
        assertThat(gotB.get("bytes").asLong()).as("all of A's bulk data").isEqualTo(2_000_000 + 12);
        JsonNode after = relay(id);
        assertThat(after.get("legs").get(0).get("bytes").asLong()).isEqualTo(2_000_000 + 12);
        assertThat(net.sh("ip route").out()).as("the root namespace has only its link route")
                .doesNotContain("203.0.113.").doesNotContain("10.0.0.");

        assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/relays/" + id, null).getStatusCode().value())
                .isEqualTo(204);
        Poll.until(Duration.ofSeconds(5), "listeners closed", () -> net
                .sh("ss -ltnH '( sport = :41000 or sport = :41001 )' | grep -c 169.254.100.1").out().trim().equals("0"));
        MininetNetwork.Result refused = net.cmd("hA", "nc -z -w 2 203.0.113.10 41000; echo rc=$?");
        assertThat(refused.out()).contains("rc=1");
    }

    @Test
    void aSilentTcpPeerLosesItsLegAfterTheIdleTimeout() throws Exception {
        ResponseEntity<JsonNode> created = RestClient.write(rest, HttpMethod.POST, "/api/v1/relays",
                "{\"protocol\":\"tcp\",\"idleTimeout\":3,\"legs\":[{\"publicPort\":41100},{\"publicPort\":41101}]}");
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        long id = created.getBody().get("id").asLong();
        Poll.until(Duration.ofSeconds(10), "relay service listening on the link", () -> net
                .sh("ss -ltnH '( sport = :41100 or sport = :41101 )' | grep -c 169.254.100.1").out().trim().equals("2"));
        // A connects to a leg and says nothing, holding the connection open (nc with no input, -q off).
        net.spawn("hA", "silent", "exec sleep 60 | nc 203.0.113.10 41100");
        Poll.until(Duration.ofSeconds(10), "the silent peer bound", () -> !relay(id).get("legs").get(0)
                .get("boundPeer").isNull());
        Poll.until(Duration.ofSeconds(15), "the silent peer released after 3 s idle", () -> relay(id).get("legs")
                .get(0).get("boundPeer").isNull());
        net.kill("silent");
        assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/relays/" + id, null).getStatusCode().value())
                .isEqualTo(204);
    }
}
