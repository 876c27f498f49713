package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * The VPN that lends addresses (issue 21, part 1), on the shipped {@code nat-home} network with a client behind
 * a Linux NAT on the far side: vc (10.99.0.2) behind cnat (iptables MASQUERADE to 198.51.100.20). The client
 * fetches its configuration from the REST API, brings up Debian's wireguard-go with it, and reaches srv1, which
 * sees the borrowed address; srv1 connects back to the client at that address; the client's NAT changes its
 * outer port and traffic follows; the tunnel carries on while natflow is killed with SIGKILL and started again;
 * a deleted peer is cut off.
 */
@Tag("mininet")
class VpnIT {

    private static final String TOKEN = "vpn-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> topology(int controllerPort) throws Exception {
        Map<String, Object> spec = MininetNetwork.topology("nat-home", controllerPort);
        List<Object> switches = new ArrayList<>((List<Object>) spec.get("switches"));
        switches.add(Map.of("name", "s4", "dpid", "00000000000000a4", "controlled", false));
        spec.put("switches", switches);
        List<Object> hosts = new ArrayList<>((List<Object>) spec.get("hosts"));
        hosts.add(Map.of("name", "cnat", "ip", "198.51.100.20/24", "defaultRoute", "via 198.51.100.1",
                "forwarding", true, "commands", List.of("iptables -t nat -A POSTROUTING -o cnat-eth0 -j MASQUERADE")));
        hosts.add(Map.of("name", "vc", "ip", "10.99.0.2/24", "defaultRoute", "via 10.99.0.1"));
        spec.put("hosts", hosts);
        List<Object> links = new ArrayList<>((List<Object>) spec.get("links"));
        links.add(List.of("cnat", "s3"));
        links.add(Map.of("a", "cnat", "b", "s4", "aIp", "10.99.0.1/24"));
        links.add(List.of("vc", "s4"));
        spec.put("links", links);
        spec.put("vpnLink", Map.of("switch", "s1", "namespace", "natflow-vpn", "port", "nfvpn-s1", "intf", "nfvpn0"));
        return spec;
    }

    private static List<String> props(Path dataDir) throws java.io.IOException {
        List<String> props = new ArrayList<>();
        MininetNetwork.properties("nat-home").forEach((k, v) -> props.add("--" + k + "=" + v));
        props.add("--natflow.data-dir=" + dataDir);
        props.add("--natflow.api.token=" + TOKEN);
        props.addAll(List.of("--natflow.vpn.enabled=true", "--natflow.vpn.addresses=203.0.113.70-203.0.113.79",
                "--natflow.vpn.link-port=nfvpn-s1", "--natflow.vpn.keepalive=5"));
        return props;
    }

    private static boolean echoes(MininetNetwork net) {
        return net.cmd("vc", "python3 -c \"import socket; s = socket.create_connection(('203.0.113.100', 9000), 3);"
                + " print(s.recv(64).decode().strip())\"").out().trim().startsWith("203.0.113.70:");
    }

    private static JsonNode peers(ControllerProcess controller) {
        try {
            return JSON.readTree(controller.get("/api/v1/vpn/peers"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientBehindANatBorrowsAnAddressThroughWireGuard() throws Exception {
        Path dataDir = Files.createTempDirectory("vpn-it");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/vpn-it.log");
        Path conf = Files.createTempFile("natflow-vpn-client", ".conf");
        Path echo = Files.createTempFile("natflow-vpn-echo", ".py");
        Files.writeString(echo, ConntrackNatIT.ECHO);
        String access = "/tmp/natflow-vpn-it-http.txt";
        try (ControllerProcess controller = new ControllerProcess(log, props(dataDir))) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(topology(controller.openflowPort))) {
                Poll.until(Duration.ofSeconds(30), "the VPN up and linked to s1",
                        () -> controller.get("/api/v1/vpn").contains("\"up\":true"));
                net.spawn("srv1", "echo", "exec python3 " + echo);
                net.sh("rm -f " + access);
                net.spawn("vc", "web", "cd / && exec python3 -m http.server 8000 >> " + access + " 2>&1");
                net.cmd("srv1", "mkdir -p /tmp/natflow-vpn-it-www && head -c 4000000 /dev/urandom >"
                        + " /tmp/natflow-vpn-it-www/blob");
                net.spawn("srv1", "blob", "cd /tmp/natflow-vpn-it-www && exec python3 -m http.server 8080");

                String created = controller.send("POST", "/api/v1/vpn/peers", "{\"name\":\"vc\"}", TOKEN);
                assertThat(created).startsWith("201 ");
                JsonNode peer = JSON.readTree(created.substring(4));
                assertThat(peer.get("address").asText()).isEqualTo("203.0.113.70");
                String config = peer.get("config").asText();
                assertThat(config).contains("Endpoint = 203.0.113.10:51820").contains("AllowedIPs = 0.0.0.0/0")
                        .contains("PrivateKey = " + peer.get("privateKey").asText());
                assertThat(controller.send("POST", "/api/v1/vpn/peers", "{\"name\":\"bad/name\"}", TOKEN))
                        .startsWith("400 ").contains("name");
                assertThat(controller.send("POST", "/api/v1/vpn/peers", "{\"name\":\"x\",\"publicKey\":\"abc\"}",
                        TOKEN)).startsWith("400 ").contains("publicKey");
                assertThat(controller.send("POST", "/api/v1/static-nat", "{\"publicAddress\":\"203.0.113.71\","
                        + "\"insideAddress\":\"10.0.0.11\"}", TOKEN)).as("the VPN's range is its own")
                        .startsWith("409 ").contains("natflow.vpn.addresses");

                // wg-quick's file without its own keys (Address), as wg setconf takes it.
                Files.writeString(conf, config.replaceAll("(?m)^Address = .*\n", ""));
                net.spawn("vc", "wg-client", "exec wireguard-go -f nfwgvc");
                Poll.until(Duration.ofSeconds(10), "the client's interface", () -> net.cmd("vc", "ip link show nfwgvc")
                        .ok());
                assertThat(net.cmd("vc", "wg setconf nfwgvc " + conf + " && ip addr add 203.0.113.70/32 dev nfwgvc"
                        + " && ip link set nfwgvc up && wg set nfwgvc fwmark 51820"
                        // As wg-quick routes: all but the tunnel's own packets (marked) into the tunnel; the public
                        // segment is enough here.
                        + " && ip route add 203.0.113.0/24 dev nfwgvc table 51820"
                        + " && ip rule add not fwmark 51820 table 51820").ok()).isTrue();
                try {
                    Poll.until(Duration.ofSeconds(20), "vc reaches srv1 from the borrowed address", () -> echoes(net));
                    assertThat(net.cmd("srv1", "curl -s -m 3 -o /dev/null -w '%{http_code}'"
                            + " http://203.0.113.70:8000/").out()).as("srv1 connects back to the borrowed address")
                            .isEqualTo("200");
                    assertThat(net.cmd("vc", "cat " + access).out()).contains("203.0.113.100 - - ");
                    assertThat(net.cmd("h1", "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.70:8000/")
                            .out()).as(() -> "an inside host reaches the borrowed address by hairpinning\n"
                            + net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1 | grep -E 'priority=(250|212|180|238|68)'").out()
                            + net.sh("ip -n natflow-vpn route; ip -n natflow-vpn neigh; ip -n natflow-vpn -s link").out()
                            + net.cmd("vc", "ip route; wg show").out()).isEqualTo("200");
                    assertThat(net.cmd("vc", "cat " + access).out()).as("seen from h1's mapping")
                            .containsPattern("203\\.0\\.113\\.1[0-3] - - ");
                    assertThat(net.cmd("vc", "curl -s -m 20 -o /dev/null -w '%{size_download}'"
                            + " http://203.0.113.100:8080/blob").out()).as("4 MB through the tunnel (MTU)")
                            .isEqualTo("4000000");
                    JsonNode listed = peers(controller).get(0);
                    assertThat(listed.get("endpoint").asText()).as("the client's NAT as its outer address")
                            .startsWith("198.51.100.20:");
                    assertThat(listed.get("lastHandshake").isNull()).isFalse();
                    assertThat(listed.get("rxBytes").asLong()).isPositive();

                    // The client's NAT changes: a new outer port (another source port range, a new conntrack entry).
                    String before = listed.get("endpoint").asText();
                    net.cmd("cnat", "iptables -t nat -F POSTROUTING && iptables -t nat -A POSTROUTING -o cnat-eth0"
                            + " -p udp -j SNAT --to-source 198.51.100.20:41000-41999");
                    net.cmd("vc", "wg set nfwgvc listen-port 45000");
                    Poll.until(Duration.ofSeconds(20), "traffic follows the new outer port", () -> echoes(net)
                            && peers(controller).get(0).get("endpoint").asText().matches("198\\.51\\.100\\.20:41\\d{3}"));
                    assertThat(peers(controller).get(0).get("endpoint").asText()).isNotEqualTo(before);

                    controller.kill9();
                    assertThat(echoes(net)).as("the tunnel carries on while natflow is down").isTrue();
                    controller.start();
                    Poll.until(Duration.ofSeconds(30), "the VPN back", () -> controller.get("/api/v1/vpn")
                            .contains("\"up\":true"));
                    assertThat(peers(controller).get(0).get("address").asText()).isEqualTo("203.0.113.70");
                    Poll.until(Duration.ofSeconds(10), "vc through the restarted natflow", () -> echoes(net));

                    assertThat(controller.send("DELETE", "/api/v1/vpn/peers/" + peer.get("id").asLong(), null, TOKEN))
                            .startsWith("204");
                    Poll.until(Duration.ofSeconds(10), "the deleted peer is cut off", () -> !echoes(net));
                    assertThat(peers(controller).size()).isZero();
                    String again = controller.send("POST", "/api/v1/vpn/peers", "{\"name\":\"next\"}", TOKEN);
                    assertThat(JSON.readTree(again.substring(4)).get("address").asText())
                            .as("the deleted peer's address is quarantined").isEqualTo("203.0.113.71");
                } finally {
                    net.kill("wg-client");
                    net.kill("web");
                    net.kill("echo");
                    net.kill("blob");
                    net.cmd("srv1", "rm -rf /tmp/natflow-vpn-it-www");
                }
            }
        } finally {
            Files.deleteIfExists(conf);
            Files.deleteIfExists(echo);
            try (var files = Files.walk(dataDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
