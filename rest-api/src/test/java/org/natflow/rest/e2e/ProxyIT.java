package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The jump host with real clients: hB (behind natflow) uses the HTTP and SOCKS proxies on its gateway address
 * with curl, ncat and proxychains4 to reach pub (203.0.113.20), which runs a web server that answers with the
 * address it sees and a DNS server (dnsmasq) that natflow's resolver asks.
 */
// Spring Boot turns metrics export off in tests unless asked; the refusal counters are part of what is tested.
@AutoConfigureObservability
// Closed after the class: its proxies listen on the link address, which a later test's natflow needs.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.proxy.enabled=true",
        "natflow.proxy.resolver=203.0.113.20", "natflow.proxy.header-timeout=2s"})
class ProxyIT extends TwoSitesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POOL_ENDPOINT = "203\\.0\\.113\\.10:\\d+\\s*";

    @Override
    void afterStart() {
        net.spawn("pub", "web", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                .resolve("mininet/tools/whoami_http.py") + " --bind 203.0.113.20 --port 8000");
        net.spawn("pub", "udp", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                .resolve("mininet/tools/udp_whoami.py") + " --bind 203.0.113.20 --port 5300");
        net.spawn("pub", "dns", "exec dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces"
                + " --listen-address=203.0.113.20 --pid-file= --address=/web.example/203.0.113.20"
                + " --address=/inside.example/10.0.0.2");
        Poll.until(Duration.ofSeconds(10), "web and DNS on pub", () -> net.cmd("pub", "ss -ltn | grep -q ':8000 '").ok()
                && net.cmd("pub", "ss -lun | grep -q ':53 '").ok());
        // natflow binds its proxies on the link address once the link exists (it may come up after natflow).
        Poll.until(Duration.ofSeconds(10), "the proxies listening on the link", () -> net.sh(
                "ss -ltn | grep -qE '169.254.100.1]?:3128 '").ok() && net.sh("ss -ltn | grep -qE '169.254.100.1]?:1080 '")
                .ok());
    }

    @AfterEach
    void defaultPolicy() {
        policy("{}");
    }

    private ResponseEntity<JsonNode> policy(String json) {
        return RestClient.write(rest, HttpMethod.PUT, "/api/v1/proxy/policy", json);
    }

    private MininetNetwork.Result curl(String args) {
        return net.cmd("hB", "curl -s -m 10 -w '\\n%{http_code}' " + args, Duration.ofSeconds(20));
    }

    @Test
    void httpAndSocksClientsReachTheServerFromThePoolAddress() {
        assertThat(policy("{\"connectPorts\":[\"443\",\"8000\"]}").getStatusCode().value()).isEqualTo(200);
        MininetNetwork.Result forward = curl("-x http://10.0.0.1:3128 http://203.0.113.20:8000/");
        assertThat(forward.out()).as("absolute-form GET: " + forward.out()).matches("(?s)" + POOL_ENDPOINT + "200");
        // A body much larger than the sockets' buffers, both ways through an absolute-form request.
        net.cmd("pub", "mkdir -p /tmp/natflow-proxy-it && head -c 20971520 /dev/urandom > /tmp/natflow-proxy-it/big"
                + " && sha256sum /tmp/natflow-proxy-it/big | cut -c1-64 > /tmp/natflow-proxy-it/big.sha");
        net.spawn("pub", "files", "cd /tmp/natflow-proxy-it && exec python3 -m http.server 8001");
        Poll.until(Duration.ofSeconds(10), "the file server", () -> net.cmd("pub", "ss -ltn | grep -q ':8001 '").ok());
        try {
            // curl's exit code and the bytes it got say what went wrong when the digest differs.
            MininetNetwork.Result big = net.cmd("hB", "curl -s -m 60 -x http://10.0.0.1:3128 http://203.0.113.20:8001/big"
                    + " -o /tmp/natflow-proxy-big; rc=$?; echo \"$(sha256sum < /tmp/natflow-proxy-big | cut -c1-64)"
                    + " $(stat -c %s /tmp/natflow-proxy-big) curl=$rc\"; rm -f /tmp/natflow-proxy-big",
                    Duration.ofSeconds(70));
            String sent = net.cmd("pub", "cat /tmp/natflow-proxy-it/big.sha").out().trim();
            assertThat(sent).as("the file's digest").matches("[0-9a-f]{64}");
            assertThat(big.out().trim()).as("20 MiB through the HTTP proxy, intact")
                    .startsWith(sent + " 20971520 ");
        } finally {
            net.kill("files");
            net.cmd("pub", "rm -rf /tmp/natflow-proxy-it");
        }
        MininetNetwork.Result connect = curl("-p -x http://10.0.0.1:3128 http://203.0.113.20:8000/");
        assertThat(connect.out()).as("CONNECT: " + connect.out()).matches("(?s)" + POOL_ENDPOINT + "200");
        MininetNetwork.Result socksName = curl("--socks5-hostname 10.0.0.1:1080 http://web.example:8000/");
        assertThat(socksName.out()).as("SOCKS5, name resolved by natflow: " + socksName.out())
                .matches("(?s)" + POOL_ENDPOINT + "200");
        MininetNetwork.Result socks4a = curl("--socks4a 10.0.0.1:1080 http://web.example:8000/");
        assertThat(socks4a.out()).as("SOCKS4a: " + socks4a.out()).matches("(?s)" + POOL_ENDPOINT + "200");
        MininetNetwork.Result ncat = net.cmd("hB", "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | ncat -w 10"
                + " --proxy 10.0.0.1:1080 --proxy-type socks5 203.0.113.20 8000", Duration.ofSeconds(20));
        assertThat(ncat.out()).as("ncat over SOCKS5: " + ncat.out()).contains("200 OK").containsPattern(POOL_ENDPOINT);
        net.cmd("hB", "printf 'strict_chain\\nquiet_mode\\nproxy_dns\\n[ProxyList]\\nsocks5 10.0.0.1 1080\\n'"
                + " > /tmp/natflow-proxychains.conf");
        MininetNetwork.Result chained = net.cmd("hB", "proxychains4 -q -f /tmp/natflow-proxychains.conf"
                + " curl -s -m 10 http://203.0.113.20:8000/", Duration.ofSeconds(20));
        assertThat(chained.out()).as("proxychains4 running curl: " + chained.out()).containsPattern(POOL_ENDPOINT);
        assertThat(mappingRecords("proxy-tunnel-created")).as("the mapping log records the tunnels' ports")
                .anyMatch(l -> l.matches(".*inside=10\\.0\\.0\\.2:\\d+ public=203\\.0\\.113\\.10:\\d+ start=.*"));
    }

    @Test
    void socks5UdpAssociateRelaysDatagramsFromThePoolAddress() throws IOException {
        MininetNetwork.Result r = net.cmd("hB", "/usr/bin/python3 " + tool("socks5_udp.py") + " 10.0.0.1:1080"
                + " web.example:5300 --count 3", Duration.ofSeconds(30));
        JsonNode out = JSON.readTree(r.out().lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(out.get("reply").asInt()).as(r.out()).isZero();
        assertThat(out.get("relay").asText()).as("datagrams go to the gateway").isEqualTo("10.0.0.1:1080");
        assertThat(out.get("answers")).as(r.out()).hasSize(3);
        for (JsonNode answer : out.get("answers")) {
            assertThat(answer.isNull()).as("every datagram answered: " + r.out()).isFalse();
            assertThat(answer.get("from").asText()).as("the answer's source, as the relay names it")
                    .isEqualTo("203.0.113.20:5300");
            assertThat(answer.get("data").asText()).as("the server saw the pool address")
                    .matches("203\\.0\\.113\\.10:\\d+ ping\\d");
        }
        Poll.until(Duration.ofSeconds(10), "the association ended with its TCP connection, its port given back",
                () -> !mappingRecords("proxy-udp-deleted").isEmpty() && tunnels().isEmpty());
        assertThat(mappingRecords("proxy-udp-created")).anyMatch(l -> l.contains(" protocol=udp inside=10.0.0.2:"));
    }

    @Test
    void destinationsInsideOrNatflowItselfAreRefused() throws IOException {
        assertThat(policy("{\"connectPorts\":[\"1-65535\"],\"connectTimeout\":1}").getStatusCode().value())
                .isEqualTo(200);
        net.spawn("hB", "inside-web", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                .resolve("mininet/tools/whoami_http.py") + " --bind 10.0.0.2 --port 8080");
        Poll.until(Duration.ofSeconds(10), "hB's own server", () -> net.cmd("hB", "ss -ltn | grep -q ':8080 '").ok());
        try {
            assertThat(connectStatus("10.0.0.2:8080")).as("CONNECT to an inside host").isEqualTo("403");
            assertThat(curl("-x http://10.0.0.1:3128 http://169.254.100.1:3128/").out()).as("to the service link")
                    .endsWith("403");
            assertThat(curl("-x http://10.0.0.1:3128 http://203.0.113.10:80/").out()).as("to the pool").endsWith("403");
            assertThat(socks("inside.example:8080", "").get("reply").asInt()).as("a name that resolves inside")
                    .isEqualTo(2);
            assertThat(socks("127.0.0.1:22", "").get("reply").asInt()).as("loopback").isEqualTo(2);
            assertThat(socks("no-such.example:80", "").get("reply").asInt()).as("a name that does not resolve")
                    .isEqualTo(4);
            assertThat(socks("203.0.113.20:8000", " --command 2").get("reply").asInt()).as("BIND").isEqualTo(7);
            assertThat(socks("203.0.113.20:8001", "").get("reply").asInt()).as("a closed port").isEqualTo(5);
            // Beyond the upstream gateway, which forwards nothing: the SYN goes unanswered.
            assertThat(socks("198.51.100.99:80", "").get("reply").asInt()).as("no answer within the connect timeout")
                    .isEqualTo(6);
            assertThat(connectStatus("198.51.100.99:80")).as("the same through CONNECT").isEqualTo("504");
        } finally {
            net.kill("inside-web");
        }
    }

    @Test
    void usersMustAuthenticateOnBothProxies() throws IOException {
        ResponseEntity<JsonNode> set = policy("{\"users\":[{\"name\":\"alice\",\"password\":\"wonderland\"}],"
                + "\"connectPorts\":[\"8000\"]}");
        assertThat(set.getStatusCode().value()).isEqualTo(200);
        assertThat(set.getBody().get("users").get(0).has("password")).as("passwords are never shown").isFalse();
        assertThat(curl("-x http://10.0.0.1:3128 http://203.0.113.20:8000/").out()).as("no credentials").endsWith("407");
        assertThat(curl("-x http://10.0.0.1:3128 -U alice:wrong http://203.0.113.20:8000/").out())
                .as("a wrong password").endsWith("407");
        assertThat(curl("-x http://10.0.0.1:3128 -U alice:wonderland http://203.0.113.20:8000/").out())
                .as("alice").matches("(?s)" + POOL_ENDPOINT + "200");
        assertThat(connectStatus("203.0.113.20:8000")).as("CONNECT without credentials").isEqualTo("407");
        assertThat(curl("-x socks5h://alice:wonderland@10.0.0.1:1080 http://web.example:8000/").out())
                .as("SOCKS5 with alice's password").matches("(?s)" + POOL_ENDPOINT + "200");
        assertThat(socks("203.0.113.20:8000", "").get("method").asInt()).as("SOCKS5 offering no authentication")
                .isEqualTo(255);
        assertThat(socks("203.0.113.20:8000", " --user alice --password wrong").get("auth").asInt())
                .as("SOCKS5 with a wrong password (RFC 1929: any status but 0 is a failure)").isNotZero();
        assertThat(curl("--socks4a 10.0.0.1:1080 http://web.example:8000/").out()).as("SOCKS4 has no passwords")
                .endsWith("000");
        // The same policy after a GET-modify-PUT round trip: alice keeps her password.
        assertThat(policy("{\"users\":[{\"name\":\"alice\"}],\"connectPorts\":[\"8000\"]}").getStatusCode()
                .value()).isEqualTo(200);
        assertThat(curl("-x http://10.0.0.1:3128 -U alice:wonderland http://203.0.113.20:8000/").out())
                .as("alice after the round trip").matches("(?s)" + POOL_ENDPOINT + "200");
        ResponseEntity<JsonNode> newUser = policy("{\"users\":[{\"name\":\"bob\"}]}");
        assertThat(newUser.getStatusCode().value()).as("a new user without a password").isEqualTo(400);
        assertThat(newUser.getBody().get("field").asText()).isEqualTo("users[0].password");
    }

    @Test
    void tunnelsAreListedLimitedPerHostAndClosedOnRequest() {
        assertThat(policy("{\"maxTunnelsPerHost\":2,\"connectPorts\":[\"8000\"]}").getStatusCode().value())
                .isEqualTo(200);
        java.util.Set<Integer> holders = new java.util.TreeSet<>(java.util.List.of(1, 2));
        for (int i : holders) {
            net.spawn("hB", "hold" + i, "exec /usr/bin/python3 " + tool("proxied_gets.py") + " --connect 10.0.0.1:3128"
                    + " --target 203.0.113.20:8000 --seconds 3" + i + " --interval 0.5");
        }
        try {
            Poll.until(Duration.ofSeconds(10), "two tunnels listed", () -> tunnels().size() == 2
                    && tunnels().findValuesAsText("publicEndpoint").size() == 2);
            JsonNode first = tunnels().get(0);
            assertThat(first.get("kind").asText()).isEqualTo("http-connect");
            assertThat(first.get("inside").asText()).startsWith("10.0.0.2:");
            assertThat(first.get("requested").asText()).isEqualTo("203.0.113.20:8000");
            assertThat(first.get("publicEndpoint").asText()).matches("203\\.0\\.113\\.10:\\d+");
            Poll.until(Duration.ofSeconds(10), "bytes counted both ways", () -> tunnels().get(0).get("bytesIn").asLong() > 0
                    && tunnels().get(0).get("bytesOut").asLong() > 0);
            assertThat(connectStatus("203.0.113.20:8000")).as("a third tunnel from the same host").isEqualTo("429");
            ResponseEntity<JsonNode> closed = RestClient.write(rest, HttpMethod.DELETE, "/api/v1/proxy/tunnels/"
                    + first.get("id").asLong(), null);
            assertThat(closed.getStatusCode().value()).isEqualTo(204);
            Poll.until(Duration.ofSeconds(10), "the closed tunnel gone", () -> tunnels().size() == 1);
            Poll.until(Duration.ofSeconds(10), "its client noticing", () -> holders.stream().anyMatch(i ->
                    !net.cmd("hB", "pgrep -f -- '--seconds 3" + i + " '").ok()));
            int done = holders.stream().filter(i -> !net.cmd("hB", "pgrep -f -- '--seconds 3" + i + " '").ok())
                    .findFirst().orElseThrow();
            holders.remove(done);
            assertThat(net.kill("hold" + done).out()).as("the closed tunnel's client saw it close")
                    .contains("\"errors\": [\"");
            assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/proxy/tunnels/999999", null)
                    .getStatusCode().value()).isEqualTo(404);
        } finally {
            holders.forEach(i -> net.kill("hold" + i));
        }
        Poll.until(Duration.ofSeconds(10), "no tunnels once the clients are gone", () -> tunnels().isEmpty());
        Poll.until(Duration.ofSeconds(20), "the tunnels' ports back, and their ends in the mapping log",
                () -> mappingRecords("proxy-tunnel-deleted").size() >= 2);
    }

    @Test
    void malformedAndHostileRequestsAreAnsweredWhileATunnelKeepsWorking() throws IOException {
        net.spawn("hB", "steady", "exec /usr/bin/python3 " + tool("proxied_gets.py") + " --socks 10.0.0.1:1080"
                + " --target 203.0.113.20:8000 --seconds 8 --interval 0.2");
        assertThat(raw("printf 'NOT A REQUEST\\r\\n\\r\\n' | ncat -w 5 10.0.0.1 3128")).as("garbage")
                .startsWith("HTTP/1.1 400");
        assertThat(curl("-x http://10.0.0.1:3128 -H 'X-Big: " + "x".repeat(9000) + "' http://203.0.113.20:8000/")
                .out()).as("a header past 8 KiB").endsWith("431");
        assertThat(raw("(printf 'CONNECT 203.0.113.20:443 HTTP/1.1\\r\\n'; sleep 4) | ncat -w 6 10.0.0.1 3128"))
                .as("a request head never finished").startsWith("HTTP/1.1 408");
        assertThat(raw("printf 'GET /local HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n' | ncat -w 5 10.0.0.1 3128"))
                .as("not a proxy request").startsWith("HTTP/1.1 400");
        assertThat(raw("printf 'GET https://203.0.113.20/ HTTP/1.1\\r\\n\\r\\n' | ncat -w 5 10.0.0.1 3128"))
                .as("https:// without CONNECT").startsWith("HTTP/1.1 501");
        assertThat(raw("printf '\\007\\001garbage' | ncat -w 5 10.0.0.1 1080")).as("not SOCKS").isEmpty();
        assertThat(raw("printf '\\005\\001\\000\\005\\001\\000\\011\\001\\002' | ncat -w 5 10.0.0.1 1080 | od -An -tx1"))
                .as("an unknown address type: method chosen, then reply 08").contains("05 00 05 08");
        Poll.until(Duration.ofSeconds(20), "the steady client done", () -> !net.cmd("hB", "pgrep -f 'proxied_gets.py --socks'")
                .ok());
        JsonNode steady = JSON.readTree(net.kill("steady").out().trim());
        assertThat(steady.get("errors").size()).as("the steady tunnel: " + steady).isZero();
        assertThat(steady.get("ok").asInt()).as("the steady tunnel's answers: " + steady).isGreaterThan(20);
        String metrics = rest.getForObject("/actuator/prometheus", String.class);
        for (String reason : new String[] {"malformed", "too-large", "header-timeout", "unsupported-command",
            "unsupported-address"}) {
            assertThat(metrics).containsPattern("natflow_proxy_refused_total\\{reason=\"" + reason + "\",?\\} [1-9]");
        }
    }

    private String raw(String command) {
        return net.cmd("hB", command, Duration.ofSeconds(20)).out().trim();
    }

    private JsonNode tunnels() {
        return rest.getForObject("/api/v1/proxy/tunnels", JsonNode.class);
    }

    private static String tool(String name) {
        return MininetEnvironment.projectRoot().resolve("mininet/tools/" + name).toString();
    }

    /** The status the HTTP proxy answers a CONNECT to {@code target} with. */
    private String connectStatus(String target) {
        return net.cmd("hB", "curl -s -m 10 -o /dev/null -w '%{http_connect}' -p -x http://10.0.0.1:3128 http://"
                + target + "/", Duration.ofSeconds(20)).out().trim();
    }

    private JsonNode socks(String target, String options) throws IOException {
        MininetNetwork.Result r = net.cmd("hB", "/usr/bin/python3 " + MininetEnvironment.projectRoot()
                .resolve("mininet/tools/socks5_probe.py") + " 10.0.0.1:1080 " + target + options, Duration.ofSeconds(30));
        return JSON.readTree(r.out().lines().reduce((a, b) -> b).orElse("{}"));
    }
}
