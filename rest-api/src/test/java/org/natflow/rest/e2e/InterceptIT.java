package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The transparent proxy with real clients that know nothing of it: hB (behind natflow) connects "directly" to
 * pub (203.0.113.20) with curl, ncat, iperf3 and openssl; interception rules hand the connections to natflow's
 * splicer, which reaches pub from the pool address. pub runs a web server that answers with the address it sees,
 * a server that answers only after the client's FIN, iperf3, and an openssl TLS server.
 */
@AutoConfigureObservability
// Closed after the class: its splicer listens on the link address, which a later test's natflow needs.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.intercept.enabled=true",
        "natflow.intercept.sniff-timeout=500ms"})
class InterceptIT extends TwoSitesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POOL_ENDPOINT = "203\\.0\\.113\\.10:\\d+";

    @Override
    void afterStart() {
        net.spawn("pub", "web", "exec /usr/bin/python3 " + tool("whoami_http.py") + " --bind 203.0.113.20 --port 8000");
        net.spawn("pub", "eof", "exec /usr/bin/python3 " + tool("eof_count.py") + " --bind 203.0.113.20 --port 8003");
        net.spawn("pub", "iperf", "exec iperf3 -s -B 203.0.113.20 -p 5201");
        net.cmd("pub", "mkdir -p /tmp/natflow-intercept-it && cd /tmp/natflow-intercept-it && openssl req -x509"
                + " -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 1 -subj /CN=allowed.example"
                + " 2>/dev/null", Duration.ofSeconds(30));
        net.spawn("pub", "tls", "exec openssl s_server -accept 4433 -cert /tmp/natflow-intercept-it/cert.pem"
                + " -key /tmp/natflow-intercept-it/key.pem -www -quiet");
        // Counts the data-carrying segments that reach the TLS server (a bare ACK is at most 60 bytes long).
        net.cmd("pub", "iptables -I INPUT -p tcp --dport 4433 -m length --length 81:65535");
        Poll.until(Duration.ofSeconds(15), "the servers on pub", () -> net.cmd("pub",
                "ss -ltn | grep -q ':8000 ' && ss -ltn | grep -q ':8003 ' && ss -ltn | grep -q ':5201 '"
                        + " && ss -ltn | grep -q ':4433 '").ok());
        Poll.until(Duration.ofSeconds(10), "the splicer listening on the link", () -> net.sh(
                "ss -ltn | grep -qE '169.254.100.1]?:3129 '").ok());
    }

    @AfterEach
    void noRules() {
        for (JsonNode r : rest.getForObject("/api/v1/intercepts", JsonNode.class)) {
            RestClient.write(rest, HttpMethod.DELETE, "/api/v1/intercepts/" + r.get("id").asLong(), null);
        }
        RestClient.write(rest, HttpMethod.PUT, "/api/v1/intercepts/policy", "{}");
    }

    private ResponseEntity<JsonNode> rule(String json) {
        return RestClient.write(rest, HttpMethod.POST, "/api/v1/intercepts", json);
    }

    private ResponseEntity<JsonNode> interceptPub(String ports) {
        ResponseEntity<JsonNode> r = rule("{\"sources\":[\"10.0.0.0/24\"],\"destinations\":[\"203.0.113.20/32\"],"
                + "\"ports\":" + ports + ",\"description\":\"pub\"}");
        assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
        return r;
    }

    private MininetNetwork.Result curl(String args) {
        return net.cmd("hB", "curl -s -m 10 -w '\\n%{http_code} %{remote_ip}:%{remote_port}' " + args,
                Duration.ofSeconds(20));
    }

    @Test
    void plainHttpIsSplicedFromThePoolAddressAndListedWithItsHost() {
        interceptPub("[\"8000-8003\",\"4433\",\"5201\"]");
        double spliced = steered("spliced");
        MininetNetwork.Result r = curl("-H 'Host: web.example:8000' http://203.0.113.20:8000/ --local-port 40102");
        assertThat(r.out()).as("the server sees the pool address, the client the server: " + r.out())
                .matches("(?s)" + POOL_ENDPOINT + "\\s*200 203\\.0\\.113\\.20:8000");
        assertThat(steered("spliced")).as("the connection went to the splicer").isGreaterThan(spliced);
        assertThat(nat(40102)).as("no NAT mapping was made for it").isFalse();

        // One held open, to be listed: a request head, then nothing for a while.
        net.spawn("hB", "held", "exec sh -c \"(printf 'GET / HTTP/1.1\\r\\nHost: listed.example\\r\\n\\r\\n'; sleep 20)"
                + " | ncat 203.0.113.20 8000\"");
        JsonNode[] found = new JsonNode[1];
        // Listed once named; its public endpoint shows once the outside leg is open (a moment later).
        Poll.until(Duration.ofSeconds(10), "the held connection listed with its outside leg", () -> {
            for (JsonNode c : rest.getForObject("/api/v1/intercepts/connections", JsonNode.class)) {
                if ("listed.example".equals(c.path("name").asText()) && c.hasNonNull("publicEndpoint")) {
                    found[0] = c;
                }
            }
            return found[0] != null;
        });
        JsonNode listed = found[0];
        assertThat(listed.get("originalDestination").asText()).isEqualTo("203.0.113.20:8000");
        assertThat(listed.get("inside").asText()).startsWith("10.0.0.2:");
        assertThat(listed.get("publicEndpoint").asText()).matches(POOL_ENDPOINT);
        assertThat(listed.get("kind").asText()).isEqualTo("http");
        assertThat(listed.get("verdict").asText()).isEqualTo("allowed");
        assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/intercepts/connections/"
                + listed.get("id").asLong(), null).getStatusCode().value()).isEqualTo(204);
        Poll.until(Duration.ofSeconds(10), "the closed connection gone from the list", () -> !rest.getForObject(
                "/api/v1/intercepts/connections", String.class).contains("listed.example"));
        net.kill("held");
        assertThat(mappingRecords("intercept-created")).as("the mapping log records the splicer's ports")
                .anyMatch(l -> l.matches(".*inside=10\\.0\\.0\\.2:\\d+ public=203\\.0\\.113\\.10:\\d+ start=.*"));
    }

    @Test
    void halfCloseBulkAndIperfGoThroughTheSplicer() throws IOException {
        interceptPub("[\"8003\",\"5201\"]");
        MininetNetwork.Result eof = net.cmd("hB", "head -c 3000000 /dev/zero | ncat -w 10 203.0.113.20 8003",
                Duration.ofSeconds(20));
        assertThat(eof.out().trim()).as("the server answers only once the client's FIN reached it")
                .isEqualTo("got 3000000");
        MininetNetwork.Result iperf = net.cmd("hB", "iperf3 -c 203.0.113.20 -p 5201 -t 2 -J", Duration.ofSeconds(30));
        JsonNode result = JSON.readTree(iperf.out());
        assertThat(result.path("end").path("sum_received").path("bytes").asLong()).as(iperf.out())
                .isGreaterThan(1_000_000);
        assertThat(result.path("start").path("connected").get(0).path("remote_host").asText())
                .isEqualTo("203.0.113.20");
        assertThat(verdicts("allowed")).as("iperf3's control and data connections were spliced").isGreaterThanOrEqualTo(3);
    }

    @Test
    void tlsNamesAreReadWithoutDecryptingAndDeniedOnesNeverReachTheServer() throws IOException {
        interceptPub("[\"4433\"]");
        assertThat(RestClient.write(rest, HttpMethod.PUT, "/api/v1/intercepts/policy",
                "{\"deny\":[\"blocked.example\"]}").getStatusCode().value()).isEqualTo(200);
        MininetNetwork.Result allowed = net.cmd("hB", "echo Q | openssl s_client -connect 203.0.113.20:4433"
                + " -servername allowed.example 2>&1", Duration.ofSeconds(20));
        assertThat(allowed.out()).as("the handshake completes through the splicer").contains("CN = allowed.example")
                .containsPattern("Cipher is [A-Z0-9_-]+");
        long before = dataSegmentsToTheTlsServer();
        MininetNetwork.Result blocked = net.cmd("hB", "echo Q | openssl s_client -connect 203.0.113.20:4433"
                + " -servername www.blocked.example 2>&1", Duration.ofSeconds(20));
        assertThat(blocked.out()).as(blocked.out()).containsIgnoringCase("access denied")
                .doesNotContainPattern("Cipher is [A-Z0-9_-]+");
        JsonNode split = tlsHello("www.blocked.example", 12);
        assertThat(split.get("record").asText()).as("a ClientHello split across two segments is read: " + split)
                .isEqualTo("alert");
        assertThat(split.get("alert").asInt()).as("access_denied").isEqualTo(49);
        assertThat(dataSegmentsToTheTlsServer()).as("no byte of a denied connection reached the server")
                .isEqualTo(before);
        JsonNode splitAllowed = tlsHello("allowed.example", 12);
        assertThat(splitAllowed.get("record").asText()).as("an allowed split ClientHello gets the ServerHello")
                .isEqualTo("handshake");
        assertThat(verdicts("denied")).isGreaterThanOrEqualTo(2);

        // Plaintext HTTP against the same policy: a denied Host gets 403 from natflow.
        interceptPub("[\"8000\"]");
        MininetNetwork.Result denied = curl("-H 'Host: blocked.example' http://203.0.113.20:8000/");
        assertThat(denied.out()).as(denied.out()).contains("blocked.example is not allowed").contains("403 ");
    }

    @Test
    void aRemovedRuleReturnsItsTrafficToNaptAndUnmatchedTrafficIsUntouched() {
        long id = interceptPub("[\"8000\"]").getBody().get("id").asLong();
        double spliced = steered("spliced");
        MininetNetwork.Result intercepted = curl("http://203.0.113.20:8000/ --local-port 40100");
        assertThat(intercepted.out()).matches("(?s)" + POOL_ENDPOINT + "\\s*200 .*");
        assertThat(steered("spliced")).isGreaterThan(spliced);

        assertThat(RestClient.write(rest, HttpMethod.PUT, "/api/v1/intercepts/" + id,
                "{\"sources\":[\"10.0.0.0/24\"],\"destinations\":[\"203.0.113.20/32\"],\"ports\":[\"8001\"]}")
                .getStatusCode().value()).isEqualTo(200);
        double afterUpdate = steered("spliced");
        MininetNetwork.Result napt = curl("http://203.0.113.20:8000/ --local-port 40101");
        assertThat(napt.out()).as(napt.out()).matches("(?s)" + POOL_ENDPOINT + "\\s*200 .*");
        assertThat(steered("spliced")).as("port 8000 is no longer the rule's").isEqualTo(afterUpdate);
        assertThat(nat(40101)).as("translated by the NAT instead").isTrue();

        assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/intercepts/" + id, null).getStatusCode()
                .value()).isEqualTo(204);
        assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/intercepts/" + id, null).getStatusCode()
                .value()).isEqualTo(404);
    }

    @Test
    void badAndConflictingRulesAreRefusedByField() {
        assertThat(rule("{\"ports\":[\"80\"]}").getBody().toString()).contains("sources");
        assertThat(rule("{\"sources\":[\"10.0.0.0/33\"],\"ports\":[\"80\"]}").getStatusCode().value()).isEqualTo(400);
        assertThat(rule("{\"sources\":[\"192.0.2.0/24\"],\"ports\":[\"80\"]}").getBody().toString())
                .as("a source outside the inside networks").contains("sources");
        assertThat(rule("{\"sources\":[\"10.0.0.0/24\"],\"ports\":[\"0\"]}").getBody().toString()).contains("ports");
        assertThat(rule("{\"sources\":[\"10.0.0.0/24\"],\"ports\":[\"80\"],\"destinations\":[\"10.0.0.0/25\"]}")
                .getBody().toString()).contains("destinations");
        assertThat(rule("{\"sources\":[\"10.0.0.0/24\"],\"ports\":[\"80\"],\"fallback\":\"maybe\"}").getBody()
                .toString()).contains("fallback");
        assertThat(RestClient.write(rest, HttpMethod.POST, "/api/v1/intercepts", "{not json").getStatusCode().value())
                .isEqualTo(400);
        assertThat(rule("{\"sources\":[\"10.0.0.0/25\"],\"ports\":[\"80-90\"]}").getStatusCode().value())
                .isEqualTo(201);
        ResponseEntity<JsonNode> overlap = rule("{\"sources\":[\"10.0.0.2/32\"],\"ports\":[\"85\"]}");
        assertThat(overlap.getStatusCode().value()).as(String.valueOf(overlap.getBody())).isEqualTo(409);
        assertThat(rule("{\"sources\":[\"10.0.0.2/32\"],\"ports\":[\"91\"]}").getStatusCode().value())
                .as("next to it, not overlapping").isEqualTo(201);
        assertThat(RestClient.write(rest, HttpMethod.PUT, "/api/v1/intercepts/policy",
                "{\"deny\":[\"not a name\"]}").getBody().toString()).contains("deny");
        assertThat(RestClient.write(rest, HttpMethod.GET, "/api/v1/intercepts/99999", null).getStatusCode().value())
                .isEqualTo(404);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private JsonNode tlsHello(String sni, int split) throws IOException {
        MininetNetwork.Result r = net.cmd("hB", "/usr/bin/python3 " + tool("tls_hello.py") + " 203.0.113.20:4433"
                + " --sni " + sni + " --split " + split, Duration.ofSeconds(20));
        return JSON.readTree(r.out().lines().reduce((a, b) -> b).orElse("{}"));
    }

    private long dataSegmentsToTheTlsServer() {
        String out = net.cmd("pub", "iptables -nvxL INPUT | grep 'dpt:4433'").out().trim();
        return Long.parseLong(out.split("\\s+")[0]);
    }

    /** Whether hB has a NAT mapping for its TCP port {@code insidePort}. */
    private boolean nat(int insidePort) {
        for (JsonNode m : rest.getForObject("/api/v1/nat/sessions?insideAddress=10.0.0.2", JsonNode.class)) {
            if (m.path("insidePort").asInt() == insidePort && m.path("protocol").asText().equals("tcp")) {
                return true;
            }
        }
        return false;
    }

    private double steered(String outcome) {
        return series("natflow_intercept_steered_total", "outcome=\"" + outcome + "\"");
    }

    private double verdicts(String verdict) {
        return series("natflow_intercept_verdicts_total", "verdict=\"" + verdict + "\"");
    }

    private double series(String name, String label) {
        String all = rest.getForObject("/actuator/prometheus", String.class);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{[^}]*" + Pattern.quote(label)
                + "[^}]*\\} ([0-9.eE+]+)$").matcher(all);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String tool(String name) {
        return MininetEnvironment.projectRoot().resolve("mininet/tools/" + name).toString();
    }
}
