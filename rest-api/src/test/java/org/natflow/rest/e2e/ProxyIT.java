package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * The jump host with real clients: hB (behind natflow) uses the HTTP and SOCKS proxies on its gateway address
 * with curl, ncat and proxychains4 to reach pub (203.0.113.20), which runs a web server that answers with the
 * address it sees and a DNS server (dnsmasq) that natflow's resolver asks.
 */
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
    void destinationsInsideOrNatflowItselfAreRefused() throws IOException {
        assertThat(policy("{\"connectPorts\":[\"1-65535\"]}").getStatusCode().value()).isEqualTo(200);
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
        } finally {
            net.kill("inside-web");
        }
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
