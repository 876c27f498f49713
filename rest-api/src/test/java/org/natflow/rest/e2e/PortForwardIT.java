package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** Port forwards through real OVS on the nat-home network: h2 is the inside server. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class PortForwardIT extends NatHomeIT {

    @Override
    void afterStart() {
        // One web server per forward: a forward's replies are told apart by their inside port.
        for (int port = 8000; port <= 8004; port++) {
            net.spawn("h2", "web" + port, "cd / && exec python3 -m http.server " + port
                    + " >> /tmp/natflow-fwd-http.txt 2>&1");
        }
        net.spawn("h2", "udp", "exec python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                + " s.bind(('0.0.0.0', 5353))\nwhile True:\n    d, a = s.recvfrom(100); s.sendto(b'echo-' + d, a)\"");
        Poll.until(Duration.ofSeconds(10), "servers on h2", () -> net.cmd("h2", "ss -ltn | grep -q ':8004 '").ok()
                && net.cmd("h2", "ss -lun | grep -q ':5353 '").ok());
    }

    private long create(String json) {
        ResponseEntity<JsonNode> r = RestClient.write(rest, HttpMethod.POST, "/api/v1/port-forwards", json);
        assertThat(r.getStatusCode()).as(String.valueOf(r.getBody())).isEqualTo(HttpStatus.CREATED);
        return r.getBody().get("id").asLong();
    }

    private String curl(String host, String url) {
        return net.cmd(host, "curl -s -m 3 -o /dev/null -w '%{http_code}' " + url).out();
    }

    private String forwardFlows() {
        return net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1 | grep priority=230").out();
    }

    @Test
    void tcpForwardWorksWithinASecondAndServerSeesTheRealClient() {
        long id = create("{\"protocol\":\"tcp\",\"publicPort\":8080,\"insideAddress\":\"10.0.0.12\","
                + "\"insidePort\":8000,\"description\":\"web on h2\"}");
        Poll.until(Duration.ofSeconds(1), "forward flows on s1 within a second",
                () -> forwardFlows().contains("tp_dst=8080"));
        assertThat(curl("srv1", "http://203.0.113.10:8080/")).isEqualTo("200");
        assertThat(net.cmd("h2", "cat /tmp/natflow-fwd-http.txt").out()).contains("203.0.113.100 - - ");

        // Disabled: new connections are cut, and the flows go.
        RestClient.write(rest, HttpMethod.PUT, "/api/v1/port-forwards/" + id, "{\"protocol\":\"tcp\","
                + "\"publicPort\":8080,\"insideAddress\":\"10.0.0.12\",\"insidePort\":8000,\"enabled\":false}");
        Poll.until(Duration.ofSeconds(2), "flows gone", () -> !forwardFlows().contains("tp_dst=8080"));
        assertThat(curl("srv1", "http://203.0.113.10:8080/")).isEqualTo("000");
    }

    @Test
    void udpForwardAnswersFromThePublicEndpoint() {
        create("{\"protocol\":\"udp\",\"publicPort\":5353,\"insideAddress\":\"10.0.0.12\",\"insidePort\":5353}");
        Poll.until(Duration.ofSeconds(2), "udp forward", () -> forwardFlows().contains("udp"));
        // nc's connected UDP socket only accepts the reply if it comes from 203.0.113.10:5353.
        assertThat(net.cmd("srv1", "echo ping | nc -u -w 2 203.0.113.10 5353").out()).contains("echo-ping");
    }

    @Test
    void allowedSourcesKeepOthersOut() {
        create("{\"protocol\":\"tcp\",\"publicPort\":8081,\"insideAddress\":\"10.0.0.12\",\"insidePort\":8001,"
                + "\"allowedSources\":[\"198.51.100.0/24\"]}");
        Poll.until(Duration.ofSeconds(2), "forward flows", () -> forwardFlows().contains("tp_dst=8081"));
        assertThat(curl("srv2", "http://203.0.113.10:8081/")).as("allowed").isEqualTo("200");
        assertThat(curl("srv1", "http://203.0.113.10:8081/")).as("not allowed").isEqualTo("000");
    }

    @Test
    void hairpinThroughTheForwardShowsTheClientsPublicAddress() {
        create("{\"protocol\":\"tcp\",\"publicPort\":8082,\"insideAddress\":\"10.0.0.12\",\"insidePort\":8002}");
        Poll.until(Duration.ofSeconds(2), "forward flows", () -> forwardFlows().contains("tp_dst=8082"));
        net.cmd("h2", "truncate -s 0 /tmp/natflow-fwd-http.txt");
        assertThat(curl("h1", "http://203.0.113.10:8082/")).isEqualTo("200");
        assertThat(net.cmd("h2", "cat /tmp/natflow-fwd-http.txt").out())
                .containsPattern("203\\.0\\.113\\.1[0-3] - - ").doesNotContain("10.0.0.11");
    }

    @Test
    void scanFromOutsideFindsOnlyForwardedPortsOpen() {
        create("{\"protocol\":\"tcp\",\"publicPort\":9090,\"insideAddress\":\"10.0.0.12\",\"insidePort\":8004}");
        Poll.until(Duration.ofSeconds(2), "forward flows", () -> forwardFlows().contains("tp_dst=9090"));
        String scan = net.cmd("srv1", "nmap -Pn -n -sS --max-retries 1 -T4 -p 1-1024,8000-8100,9090"
                + " 203.0.113.10 203.0.113.11 -oG -", Duration.ofSeconds(240)).out();
        java.util.Map<String, java.util.Set<Integer>> open = new java.util.HashMap<>();
        for (String line : scan.split("\n")) {
            java.util.regex.Matcher host = java.util.regex.Pattern.compile("^Host: (\\S+) .*Ports: (.*)$").matcher(line);
            if (host.find()) {
                java.util.regex.Matcher port = java.util.regex.Pattern.compile("(\\d+)/open/tcp").matcher(host.group(2));
                while (port.find()) {
                    open.computeIfAbsent(host.group(1), k -> new java.util.TreeSet<>()).add(Integer.parseInt(port.group(1)));
                }
            }
        }
        // Expected: enabled TCP forwards on .10 in the scanned ranges that let srv1 (203.0.113.100) in.
        java.util.Set<Integer> expected = new java.util.TreeSet<>();
        for (JsonNode f : rest.getForObject("/api/v1/port-forwards", JsonNode.class)) {
            int p = f.get("publicPort").asInt();
            boolean scanned = p <= 1024 || (p >= 8000 && p <= 8100) || p == 9090;
            boolean srv1Allowed = f.get("allowedSources").isEmpty();
            if (f.get("enabled").asBoolean() && f.get("protocol").asText().equals("tcp") && scanned && srv1Allowed) {
                expected.add(p);
            }
        }
        assertThat(expected).contains(9090);
        assertThat(open.getOrDefault("203.0.113.10", java.util.Set.of())).as(scan).isEqualTo(expected);
        assertThat(open.getOrDefault("203.0.113.11", java.util.Set.of())).as(scan).isEmpty();
        // UDP: nothing answers, so nothing is open (open|filtered is what silence looks like).
        String udp = net.cmd("srv1", "nmap -Pn -n -sU --max-retries 1 -T4 -p 53,123,161,500,4500,9053,33434"
                + " 203.0.113.10 203.0.113.11 -oG -", Duration.ofSeconds(120)).out();
        assertThat(udp).contains("Status: Up").doesNotContainPattern("\\d+/open/udp");
    }

    @Test
    void flowsComeBackWhenTheSwitchReconnects() {
        long id = create("{\"protocol\":\"tcp\",\"publicPort\":8083,\"insideAddress\":\"10.0.0.12\","
                + "\"insidePort\":8003}");
        Poll.until(Duration.ofSeconds(2), "forward flows", () -> forwardFlows().contains("tp_dst=8083"));
        String cookie = String.format("0x%x", (4L << 48) | id);
        net.sh("ovs-ofctl -O OpenFlow13 del-flows s1 'cookie=" + cookie + "/-1'");
        assertThat(forwardFlows()).doesNotContain("tp_dst=8083");
        int port = server.boundAddress().getPort();
        net.sh("ovs-vsctl del-controller s1");
        Poll.until(Duration.ofSeconds(10), "s1 gone",
                () -> !rest.getForObject("/api/v1/switches", String.class).contains(net.dpid("s1")));
        net.sh("ovs-vsctl set-controller s1 tcp:127.0.0.1:" + port);
        Poll.until(Duration.ofSeconds(15), "forward re-installed", () -> forwardFlows().contains("tp_dst=8083"));
        Poll.until(Duration.ofSeconds(5), "forward works again",
                () -> curl("srv1", "http://203.0.113.10:8083/").equals("200"));
    }
}
