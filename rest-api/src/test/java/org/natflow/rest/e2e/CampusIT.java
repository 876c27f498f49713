package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.ResponseEntity;

/**
 * The shipped {@code campus} network: 2 core, 2 distribution and 4 edge switches with redundant links at every
 * tier, 8 hosts, 2 borders
 * (b1 translating to 203.0.113.50, b2 to 203.0.113.51) and a public server srv. Discovery, shortest paths
 * without loops, every host through its border's NAT, broadcasts bounded, and a core link failing under a
 * live connection.
 */
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CampusIT extends CampusNetworkIT {

    private static final List<String> HOSTS = List.of("h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8");




    @Override
    void afterStart() {
        net.spawn("srv", "web", "cd / && exec python3 -m http.server 8000");
        net.spawn("srv", "echo", "exec /usr/bin/python3 " + tool() + " --listen 7000");
        Poll.until(Duration.ofSeconds(10), "servers listening",
                () -> net.cmd("srv", "ss -ltn | grep -q ':8000 ' && ss -ltn | grep -q ':7000 '").ok());
        Poll.until(Duration.ofSeconds(20), "all links discovered",
                () -> topology().get("links").size() == LINK_DIRECTIONS);
    }

    private static Path tool() {
        return MininetEnvironment.projectRoot().resolve("mininet/tools/tcp_hold.py");
    }

    private JsonNode topology() {
        return rest.getForObject("/api/v1/topology", JsonNode.class);
    }

    private String ip(String host) {
        return "10.0.0." + (10 + Integer.parseInt(host.substring(1)));
    }

    private String diagnostics() {
        return "\n--- topology\n" + topology().toPrettyString()
                + "\n--- sessions\n" + rest.getForObject("/api/v1/nat/sessions", String.class);
    }

    @Test
    @Order(1)
    void discoversEveryLinkBothWaysAndTheBorders() {
        JsonNode t = topology();
        assertThat(t.get("fabric").asBoolean()).isTrue();
        assertThat(t.get("links")).hasSize(LINK_DIRECTIONS);
        Set<String> pairs = new HashSet<>();
        t.get("links").forEach(l -> pairs.add(l.at("/src/dpid").asText() + ">" + l.at("/dst/dpid").asText()));
        assertThat(pairs).contains(net.dpid("e1") + ">" + net.dpid("d1"), net.dpid("d1") + ">" + net.dpid("e1"),
                net.dpid("e4") + ">" + net.dpid("d2"), net.dpid("d2") + ">" + net.dpid("c1"),
                net.dpid("b2") + ">" + net.dpid("c1"));
        List<String> borders = new ArrayList<>();
        t.get("switches").forEach(s -> {
            if (s.get("border").asBoolean()) {
                borders.add(s.get("dpid").asText());
            }
        });
        assertThat(borders).containsExactlyInAnyOrder(net.dpid("b1"), net.dpid("b2"));
        String metrics = rest.getForObject("/actuator/prometheus", String.class);
        assertThat(metrics).contains("natflow_fabric_links " + LINK_DIRECTIONS + ".0")
                .containsPattern("natflow_fabric_recomputations_total [1-9]");
        // Inter-switch ports and uplinks are never edge ports: once ports have settled, e1 has hosts on ports 3
        // and 4 only, and b1 (uplink and two core links) none.
        Poll.until(Duration.ofSeconds(10), "edge ports settled", () -> edgePorts("e1").equals("[3,4]"));
        assertThat(edgePorts("b1")).as("uplink b1-eth1 is not an edge").isEqualTo("[]");
        assertThat(edgePorts("c1")).isEqualTo("[]");
    }

    private String edgePorts(String sw) {
        for (JsonNode s : topology().get("switches")) {
            if (s.get("dpid").asText().equals(net.dpid(sw))) {
                return s.get("edgePorts").toString();
            }
        }
        return null;
    }

    @Test
    @Order(2)
    void pingallInside() {
        for (String from : HOSTS) {
            StringBuilder cmd = new StringBuilder("ok=0; for ip in");
            HOSTS.stream().filter(h -> !h.equals(from)).forEach(h -> cmd.append(' ').append(ip(h)));
            cmd.append("; do ping -c1 -W2 $ip >/dev/null && ok=$((ok+1)); done; echo $ok");
            Poll.until(Duration.ofSeconds(30), from + " reaches the 7 others",
                    () -> net.cmd(from, cmd.toString(), Duration.ofSeconds(40)).out().trim().equals("7"));
        }
        JsonNode hosts = topology().get("hosts");
        Set<String> learned = new HashSet<>();
        hosts.forEach(h -> learned.add(h.path("ip").asText()));
        assertThat(learned).as("every host learned with its address").containsAll(HOSTS.stream().map(this::ip).toList());
        assertThat(rest.getForObject("/actuator/prometheus", String.class))
                .contains("natflow_fabric_hosts " + hosts.size() + ".0")
                .as("per-host forwarding flows were sent").containsPattern("natflow_fabric_flowmods_total [1-9]");
        hosts.forEach(h -> {
            if (h.get("ip").asText().equals("10.0.0.11")) {
                assertThat(h.get("dpid").asText()).as("h1 is on e1").isEqualTo(net.dpid("e1"));
                assertThat(h.get("port").asInt()).isEqualTo(3);
            }
        });
    }

    @Test
    @Order(3)
    void everyHostReachesThePublicServerThroughItsBorder() {
        for (String h : HOSTS) {
            Poll.until(Duration.ofSeconds(15), h + " fetches from srv", () -> net.cmd(h,
                    "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.20:8000/").out().equals("200"));
        }
        String seen = net.kill("web").out();
        net.spawn("srv", "web", "cd / && exec python3 -m http.server 8000");
        assertThat(seen).as(seen).doesNotContain("10.0.0.").contains("203.0.113.50 - - ").contains("203.0.113.51 - - ");
        // Each host is translated by the border the topology says it is assigned to, on that border's address.
        Map<String, String> addressOf = Map.of(net.dpid("b1"), "203.0.113.50", net.dpid("b2"), "203.0.113.51");
        JsonNode sessions = rest.getForObject("/api/v1/nat/sessions?protocol=tcp", JsonNode.class);
        for (JsonNode host : topology().get("hosts")) {
            String border = host.get("border").asText();
            for (JsonNode s : sessions) {
                if (s.get("insideAddress").asText().equals(host.get("ip").asText())) {
                    assertThat(s.get("dpid").asText()).as(diagnostics()).isEqualTo(border);
                    assertThat(s.get("publicAddress").asText()).isEqualTo(addressOf.get(border));
                }
            }
        }
        Poll.until(Duration.ofSeconds(10), "web server back", () -> net.cmd("srv", "ss -ltn | grep -q ':8000 '").ok());
    }

    @Test
    @Order(3)
    void aHostReachesItsOwnMappingsByHairpinAcrossTheFabric() {
        reachesItsOwnMappingsByHairpin(net, this::diagnostics);
    }

    /**
     * Both ends of a hairpin are h1, behind edge e1: the border's fabric table turns the pair back. TCP (the
     * listener sees a border address) and UDP (a STUN hairpin check).
     */
    static void reachesItsOwnMappingsByHairpin(MininetNetwork net, java.util.function.Supplier<String> diagnostics) {
        net.cmd("srv", "ip addr add 203.0.113.21/24 dev srv-eth0");
        net.spawn("srv", "self-echo", "exec /usr/bin/python3 " + NatBehaviourIT.tool() + " --serve 9000");
        net.spawn("srv", "stun", "exec turnserver -n --no-cli --no-tls --no-dtls --log-file stdout --simple-log"
                + " -L 203.0.113.20 -L 203.0.113.21 --alt-listening-port 3479");
        try {
            Poll.until(Duration.ofSeconds(15), "the echo and STUN servers", () -> net.cmd("srv",
                    "ss -Hltn | grep -q ':9000 ' && ss -Hlun | grep -q 203.0.113.21:3479").ok());
            // An edge port carries host traffic only once it has been up for natflow.fabric.settle (2.5 s) without a
            // probe (docs/campus.md), and every link can be found sooner: h1's ARP for the gateway in that window
            // goes unanswered (EHOSTUNREACH). So h1 first reaches srv at all, from a port the check does not use.
            Poll.until(Duration.ofSeconds(20), "h1 reaches srv through its border", () -> net.cmd("h1",
                    "python3 -c \"import socket; s = socket.create_connection(('203.0.113.20', 9000), 3);"
                            + " print(s.recv(64).decode())\"").out().startsWith("203.0.113."));
            String tcp = net.cmd("h1", "timeout 30 /usr/bin/python3 " + NatBehaviourIT.tool()
                    + " --echo 203.0.113.20:9000").out();
            assertThat(tcp).as(() -> tcp + diagnostics.get() + "\n--- h1\n" + net.cmd("h1", "ip neigh; ip route;"
                    + " ss -tanp | head -20").out() + "\n--- borders\n" + net.sh("for b in b1 b2; do ovs-ofctl -O OpenFlow13"
                    + " dump-flows $b | grep -E 'table=(0|1),' | grep -vE 'priority=(2000|1|0) ' | head -40; done").out())
                    .contains("got hello")
                    .containsPattern("peer 203\\.0\\.113\\.5[01]:");
            String udp = net.cmd("h1", "turnutils_natdiscovery -H 203.0.113.20", Duration.ofSeconds(30)).out();
            assertThat(udp).as(udp).contains("Received a request");
        } finally {
            net.kill("self-echo");
            net.kill("stun");
            net.cmd("srv", "ip addr del 203.0.113.21/24 dev srv-eth0");
        }
    }

    @Test
    @Order(4)
    void broadcastsReachEveryEdgeOnceAndNeverLoop() throws Exception {
        Path sent = Files.createTempFile(Path.of("/tmp"), "natflow-campus-arp-h1", ".txt");
        Path seen = Files.createTempFile(Path.of("/tmp"), "natflow-campus-arp-h5", ".txt");
        String filter = "arp and host 10.0.0.99";
        net.spawn("h1", "sniff1", "exec tcpdump -l -n -Q out -i h1-eth0 " + filter + " > " + sent + " 2> " + sent + ".err");
        net.spawn("h5", "sniff5", "exec tcpdump -l -n -i h5-eth0 " + filter + " > " + seen + " 2> " + seen + ".err");
        Poll.until(Duration.ofSeconds(5), "both captures listening", () -> net.sh("grep -l 'listening on' "
                + sent + ".err " + seen + ".err").out().lines().count() == 2);
        long before = switchPackets();
        // ARP requests for an address nobody has: broadcasts from h1 on e1 (ping returns once they are sent).
        net.cmd("h1", "ping -c 3 -i 1 -W 1 10.0.0.99");
        net.kill("sniff1");
        long requests = requests(sent);
        assertThat(requests).as("h1 sent ARP requests").isPositive();
        Poll.until(Duration.ofSeconds(5), "h5 saw them all", () -> requests(seen) >= requests);
        long after = switchPackets();
        net.kill("sniff5");
        long delivered = requests(seen);
        for (Path f : new Path[] {sent, seen, Path.of(sent + ".err"), Path.of(seen + ".err")}) {
            Files.deleteIfExists(f);
        }
        assertThat(delivered).as("each request reaches another edge's host exactly once").isEqualTo(requests);
        // A loop would multiply every broadcast without end; here the counters grow by probes and a few frames.
        assertThat(after - before).as("packets through all switches in the broadcast test").isLessThan(5_000);
    }

    /** ARP requests for the absent address in a tcpdump capture. */
    private static long requests(Path capture) {
        try {
            return Files.readString(capture).lines().filter(l -> l.contains("who-has 10.0.0.99")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Received packets summed over every port of every campus switch. */
    private long switchPackets() {
        long total = 0;
        for (String sw : awaitSwitches()) {
            String out = net.sh("ovs-ofctl -O OpenFlow13 dump-ports " + sw).out();
            for (String line : out.split("\n")) {
                int i = line.indexOf("rx pkts=");
                if (i >= 0) {
                    String n = line.substring(i + 8).split(",")[0].trim();
                    total += n.equals("?") ? 0 : Long.parseLong(n);
                }
            }
        }
        return total;
    }

    @Test
    @Order(5)
    void aCoreLinkFailsUnderALiveConnectionAndTheMappingSurvives() throws Exception {
        Path signal = Files.createTempFile(Path.of("/tmp"), "natflow-campus", ".go");
        Files.delete(signal);
        net.spawn("h1", "hold", "exec /usr/bin/python3 " + tool() + " --to 203.0.113.20:7000 --signal " + signal);
        Poll.until(Duration.ofSeconds(10), "h1's connection mapped", () -> mappingOfH1() != null);
        JsonNode before = mappingOfH1();
        String h1Border = hostBorder("10.0.0.11");
        // h1 (on e1) reaches the borders over d1 and c1 (lower dpids win ties); take the core link c1-d1 away.
        net.sh("ip link set c1-eth4 down; ip link set d1-eth1 down");
        try {
            Poll.until(Duration.ofSeconds(10), "c1-d1 gone from the topology", () -> {
                for (JsonNode l : topology().get("links")) {
                    if (l.toString().contains(net.dpid("d1")) && l.toString().contains(net.dpid("c1"))) {
                        return false;
                    }
                }
                return true;
            });
            Files.createFile(signal);
            Poll.until(Duration.ofSeconds(20), "h1's client done", () -> !net.cmd("h1", "pgrep -f tcp_hold.py.*--to").ok());
            MininetNetwork.Result r = net.kill("hold");
            assertThat(r.out()).as(r.out() + diagnostics()).contains("\"echoes\": [\"before\", \"after\"]");
            JsonNode after = rest.getForObject("/api/v1/nat/sessions?insideAddress=10.0.0.11&protocol=tcp",
                    JsonNode.class);
            assertThat(after.toString()).as("the mapping lives on after the reroute" + diagnostics())
                    .contains("\"id\":" + before.get("id").asLong() + ",")
                    .contains("\"insidePort\":" + before.get("insidePort").asInt() + ",\"publicAddress\":\""
                            + before.get("publicAddress").asText() + "\",\"publicPort\":"
                            + before.get("publicPort").asInt() + ",");
            assertThat(hostBorder("10.0.0.11")).as("the border stays").isEqualTo(h1Border);
            Poll.until(Duration.ofSeconds(10), "h1 reaches h8 and srv around the cut",
                    () -> net.cmd("h1", "ping -c1 -W2 10.0.0.18").ok() && net.cmd("h1",
                            "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.20:8000/").out().equals("200"));
        } finally {
            net.sh("ip link set c1-eth4 up; ip link set d1-eth1 up");
            Files.deleteIfExists(signal);
        }
        Poll.until(Duration.ofSeconds(15), "c1-d1 rediscovered",
                () -> topology().get("links").size() == LINK_DIRECTIONS);
    }

    private JsonNode mappingOfH1() {
        for (JsonNode s : rest.getForObject("/api/v1/nat/sessions?insideAddress=10.0.0.11&protocol=tcp",
                JsonNode.class)) {
            if (s.get("publicPort") != null) {
                String list = net.cmd("srv", "ss -tn state established '( sport = :7000 )'").out();
                if (list.contains(s.get("publicAddress").asText() + ":" + s.get("publicPort").asInt())) {
                    return s;
                }
            }
        }
        return null;
    }

    private String hostBorder(String ip) {
        for (JsonNode h : topology().get("hosts")) {
            if (h.get("ip").asText().equals(ip)) {
                return h.get("border").asText();
            }
        }
        return null;
    }

    @Test
    @Order(5)
    void aStaticAddressServedByTheOtherBorderReachesItsHostAcrossTheFabric() {
        // h1 gets a static address served by the border the fabric does not assign it to: it is pinned there.
        String name = "h1";
        Poll.until(Duration.ofSeconds(15), "h1 fetches from srv", () -> net.cmd(name,
                "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.20:8000/").out().equals("200"));
        String assigned = null;
        for (JsonNode h : topology().get("hosts")) {
            if (h.get("ip").asText().equals(ip(name))) {
                assigned = h.get("border").asText();
            }
        }
        boolean onB1 = net.dpid("b1").equals(assigned);
        String serving = onB1 ? "b2" : "b1";
        String other = onB1 ? "b1" : "b2";
        String via = onB1 ? "203.0.113.51" : "203.0.113.50";
        net.spawn(name, "static-web", "cd / && exec python3 -m http.server 8000");
        try {
            ResponseEntity<JsonNode> r = org.natflow.rest.testing.ApiCalls.send(rest,
                    org.springframework.http.HttpMethod.POST, "/api/v1/static-nat", "{\"publicAddress\":"
                            + "\"203.0.113.70\",\"insideAddress\":\"" + ip(name) + "\",\"via\":\"" + via + "\"}",
                    "test-token");
            assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(201);
            long id = r.getBody().get("id").asLong();
            try {
                Poll.until(Duration.ofSeconds(15), "srv reaches " + name + " at its static address", () -> net.cmd("srv",
                        "curl -s -m 3 -o /dev/null -w '%{http_code}' http://203.0.113.70:8000/").out().equals("200"));
                assertThat(net.sh("ovs-ofctl -O OpenFlow13 dump-flows " + serving + " table=1 | grep priority=195")
                        .out()).contains("203.0.113.70");
                assertThat(net.sh("ovs-ofctl -O OpenFlow13 dump-flows " + other + " table=1 | grep priority=195")
                        .out()).doesNotContain("203.0.113.70");
                Poll.until(Duration.ofSeconds(15), name + " fetches from srv", () -> net.cmd(name,
                        "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.20:8000/").out().equals("200"));
                String seen = net.kill("web").out();
                net.spawn("srv", "web", "cd / && exec python3 -m http.server 8000");
                assertThat(seen).as("leaves from its static address, by " + serving + "\n" + seen).contains("203.0.113.70 - - ");
                Poll.until(Duration.ofSeconds(10), "web server back",
                        () -> net.cmd("srv", "ss -ltn | grep -q ':8000 '").ok());
            } finally {
                org.natflow.rest.testing.ApiCalls.send(rest, org.springframework.http.HttpMethod.DELETE,
                        "/api/v1/static-nat/" + id, null, "test-token");
            }
        } finally {
            net.kill("static-web");
        }
    }

    @Test
    @Order(6)
    void uplinksChangedAtRunTimeMoveEveryHostToTheRemainingBorder() {
        try {
            ResponseEntity<JsonNode> r = org.natflow.rest.testing.ApiCalls.send(rest,
                    org.springframework.http.HttpMethod.PUT, "/api/v1/uplinks",
                    "[{\"port\":\"b1-eth1\",\"addresses\":[\"203.0.113.50\",\"203.0.113.51\"]}]", "test-token");
            assertThat(r.getStatusCode().value()).as(String.valueOf(r.getBody())).isEqualTo(200);
            Poll.until(Duration.ofSeconds(10), "every host on b1", () -> {
                for (JsonNode h : topology().get("hosts")) {
                    if (h.get("ip").asText().startsWith("10.0.0.") && !net.dpid("b1").equals(h.get("border").asText())) {
                        return false;
                    }
                }
                return true;
            });
            for (String h : HOSTS) {
                Poll.until(Duration.ofSeconds(15), h + " fetches from srv through b1", () -> net.cmd(h,
                        "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.20:8000/").out().equals("200"));
            }
            JsonNode sessions = rest.getForObject("/api/v1/nat/sessions?protocol=tcp", JsonNode.class);
            assertThat(sessions).isNotEmpty().allMatch(s -> s.get("dpid").asText().equals(net.dpid("b1")));
        } finally {
            org.natflow.rest.testing.ApiCalls.send(rest, org.springframework.http.HttpMethod.PUT, "/api/v1/uplinks",
                    "[{\"port\":\"b1-eth1\",\"addresses\":[\"203.0.113.50\"]},"
                            + "{\"port\":\"b2-eth1\",\"addresses\":[\"203.0.113.51\"]}]", "test-token");
        }
        Poll.until(Duration.ofSeconds(10), "b2 a border again", () -> rest.getForObject("/api/v1/uplinks",
                JsonNode.class).get(1).path("border").asText().equals(net.dpid("b2")));
    }
}
