package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * NAT-PMP (issue 23) on the shipped {@code nat-home} network with the service link: h2 asks the gateway with
 * Debian's natpmpc for its public address and a TCP mapping, which srv1 then reaches and which shows as a port
 * forward of source natpmp; the mapping is renewed, deleted, and expires by itself; the per-host quota answers
 * "out of resources" until the operator's policy (REST, persisted) allows more; a bad version, an unknown opcode and truncated or oversized datagrams get their answer or
 * none, changing nothing; a mapping and the epoch survive natflow killed with SIGKILL.
 */
@Tag("mininet")
class NatPmpIT {

    private static final String TOKEN = "natpmp-token";
    /** Sends one datagram (hex) to the gateway's NAT-PMP port and prints the answer in hex, or "none". */
    private static final String PROBE = "python3 -c \"import socket, sys; s = socket.socket(socket.AF_INET,"
            + " socket.SOCK_DGRAM); s.settimeout(2); s.sendto(bytes.fromhex(sys.argv[1]), ('10.0.0.1', 5351))\n"
            + "try:\n    print(s.recv(64).hex())\nexcept socket.timeout:\n    print('none')\" ";

    private static List<String> props(Path dataDir) throws java.io.IOException {
        return HomeGateway.properties(dataDir, TOKEN, "--natflow.natpmp.enabled=true", "--natflow.natpmp.max-per-host=2");
    }

    private static List<JsonNode> natpmpForwards(ControllerProcess controller) {
        return HomeGateway.forwards(controller, "natpmp");
    }

    private static String natpmpc(MininetNetwork net, String args) {
        return net.cmd("h2", "timeout 20 natpmpc -g 10.0.0.1 " + args + " 2>&1", Duration.ofSeconds(30)).out();
    }

    @Test
    void anInsideHostMapsItsOwnPortWithNatpmpc() throws Exception {
        Path dataDir = Files.createTempDirectory("natpmp-it");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/natpmp-it.log");
        try (ControllerProcess controller = new ControllerProcess(log, props(dataDir))) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(HomeGateway.topology(controller.openflowPort))) {
                Poll.until(Duration.ofSeconds(30), "s1 connected",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                Poll.until(Duration.ofSeconds(20), "the NAT-PMP server on the link",
                        () -> net.sh("ss -lun | grep -qE '169.254.100.1]?:5351 '").ok());
                net.spawn("h2", "web", "cd / && exec python3 -m http.server 8000");
                Poll.until(Duration.ofSeconds(10), "h2's web server", () -> net.cmd("h2", "ss -ltn | grep -q ':8000 '")
                        .ok());

                String address = natpmpc(net, "");
                assertThat(address).as(address).containsPattern("Public IP address : 203\\.0\\.113\\.1[0-3]");
                String pub = address.replaceAll("(?s).*Public IP address : (203\\.0\\.113\\.1[0-3]).*", "$1");
                String mapped = natpmpc(net, "-a 8080 8000 tcp 60");
                assertThat(mapped).as(mapped).contains("Mapped public port 8080 protocol TCP to local port 8000")
                        .containsPattern("lif(e)?time 60"); // natpmpc writes "liftime"
                List<JsonNode> forwards = natpmpForwards(controller);
                assertThat(forwards).hasSize(1);
                assertThat(forwards.get(0).get("insideAddress").asText()).isEqualTo("10.0.0.12");
                assertThat(forwards.get(0).get("publicAddress").asText()).isEqualTo(pub);
                assertThat(forwards.get(0).get("expiresAt").isNull()).isFalse();
                Poll.until(Duration.ofSeconds(5), "srv1 reaches h2 through the mapping", () -> net.cmd("srv1",
                        "curl -s -m 3 -o /dev/null -w '%{http_code}' http://" + pub + ":8080/").out().equals("200"));
                assertThat(natpmpc(net, "-a 8080 8000 tcp 7200")).as("renewed, capped at the policy's 2 h")
                        .contains("Mapped public port 8080 protocol TCP to local port 8000").containsPattern("lif(e)?time 7200");
                assertThat(natpmpForwards(controller)).hasSize(1);

                assertThat(natpmpc(net, "-a 5353 5353 udp 3")).contains("Mapped public port 5353 protocol UDP");
                // The quota (2): a third mapping is refused with result 4, out of resources.
                assertThat(net.cmd("h2", PROBE + "0002" + "0000" + "2329" + "0000" + "0000003c").out().trim())
                        .as("out of resources").startsWith("008200040");
                // The operator's policy through REST: a bad field named, then a larger quota lets it through.
                assertThat(controller.send("PUT", "/api/v1/port-mapping-policy", "{\"publicPorts\":\"9-x\"}", TOKEN))
                        .startsWith("400 ").contains("publicPorts");
                assertThat(controller.send("PUT", "/api/v1/port-mapping-policy", "{\"maxPerHost\":3}", TOKEN))
                        .startsWith("200 ").contains("\"maxPerHost\":3");
                assertThat(net.cmd("h2", PROBE + "0002" + "0000" + "2329" + "0000" + "0000003c").out().trim())
                        .as("within the new quota").startsWith("008200000");
                assertThat(net.cmd("h2", PROBE + "0002" + "0000" + "2329" + "0000" + "00000000").out().trim())
                        .as("and deleted again").startsWith("008200000");
                Poll.until(Duration.ofSeconds(8), "the 3 s UDP mapping expires by itself",
                        () -> natpmpForwards(controller).size() == 1);

                assertThat(net.cmd("h2", PROBE + "0100").out().trim())
                        .as("version 1: unsupported version, answered as PCP (version 2) would").startsWith("02800001");
                assertThat(net.cmd("h2", PROBE + "0007").out().trim()).as("opcode 7: unsupported opcode")
                        .startsWith("00870005");
                assertThat(net.cmd("h2", PROBE + "00").out().trim()).as("one byte: dropped").isEqualTo("none");
                assertThat(net.cmd("h2", PROBE + "000100001f40").out().trim()).as("a truncated mapping request")
                        .isEqualTo("none");
                assertThat(net.cmd("h2", PROBE + "0001" + "00".repeat(1200)).out().trim()).as("oversized")
                        .isEqualTo("none");
                assertThat(natpmpForwards(controller)).as("nothing changed").hasSize(1);

                String epoch = net.cmd("h2", PROBE + "0000").out().trim();
                assertThat(epoch).startsWith("00800000");
                long before = Long.parseLong(epoch.substring(8, 16), 16);
                controller.kill9();
                controller.start();
                Poll.until(Duration.ofSeconds(30), "s1 back",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                assertThat(natpmpForwards(controller)).as("the mapping kept").hasSize(1);
                assertThat(controller.get("/api/v1/port-mapping-policy")).as("the policy kept")
                        .contains("\"maxPerHost\":3");
                Poll.until(Duration.ofSeconds(20), "the NAT-PMP server back", () -> !net.cmd("h2", PROBE + "0000")
                        .out().trim().equals("none"));
                long after = Long.parseLong(net.cmd("h2", PROBE + "0000").out().trim().substring(8, 16), 16);
                assertThat(after).as("the epoch goes on across the restart").isGreaterThanOrEqualTo(before);
                assertThat(net.cmd("srv1", "curl -s -m 3 -o /dev/null -w '%{http_code}' http://" + pub + ":8080/")
                        .out()).isEqualTo("200");

                assertThat(natpmpc(net, "-a 8080 8000 tcp 0")).as(natpmpc(net, "")).doesNotContain("failed");
                Poll.until(Duration.ofSeconds(5), "deleted", () -> natpmpForwards(controller).size() == 0);
                assertThat(net.cmd("srv1", "curl -s -m 3 -o /dev/null -w '%{http_code}' http://" + pub + ":8080/")
                        .out()).isEqualTo("000");
                net.kill("web");
            }
        } finally {
            HomeGateway.delete(dataDir);
        }
    }
}
