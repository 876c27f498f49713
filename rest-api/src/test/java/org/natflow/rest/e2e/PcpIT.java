package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * PCP (RFC 6887, issue 23) on the shipped {@code nat-home} network with the service link, asked by a PCP client
 * that builds its datagrams by the RFC ({@code mininet/tools/pcp_client.py}) from inside hosts: a MAP that srv1
 * then reaches, shown as a forward of source pcp with its lifetime; the nonce guarding renewals; PREFER_FAILURE;
 * FILTER letting only srv2's network in, then cleared; THIRD_PARTY refused by default; a spoofed client address;
 * the quota; malformed, oversized and unknown requests answered with their result codes or dropped, changing
 * nothing. Hole punching: h2 (behind natflow) and vc (behind a Linux MASQUERADE NAT, cnat) exchange datagrams
 * directly once h2 made a PEER mapping towards vc's public endpoint (learnt from srv2, as STUN would tell it).
 * The epoch: ANNOUNCE across natflow killed with SIGKILL goes on (mappings kept), and after a restart with its
 * state lost it starts again, which the client detects by RFC 6887's check.
 */
@Tag("mininet")
class PcpIT {

    private static final String TOKEN = "pcp-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CLIENT = MininetEnvironment.projectRoot().resolve("mininet/tools/pcp_client.py");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> topology(int controllerPort) throws Exception {
        Map<String, Object> spec = HomeGateway.topology(controllerPort);
        List<Object> switches = new ArrayList<>((List<Object>) spec.get("switches"));
        switches.add(Map.of("name", "s4", "dpid", "00000000000000a4", "controlled", false));
        spec.put("switches", switches);
        List<Object> hosts = new ArrayList<>((List<Object>) spec.get("hosts"));
        hosts.add(Map.of("name", "cnat", "ip", "198.51.100.20/24", "defaultRoute", "via 198.51.100.1",
                "forwarding", true, "commands",
                List.of("iptables -t nat -A POSTROUTING -o cnat-eth0 -j MASQUERADE")));
        hosts.add(Map.of("name", "vc", "ip", "10.99.0.2/24", "defaultRoute", "via 10.99.0.1"));
        spec.put("hosts", hosts);
        List<Object> links = new ArrayList<>((List<Object>) spec.get("links"));
        links.add(List.of("cnat", "s3"));
        links.add(Map.of("a", "cnat", "b", "s4", "aIp", "10.99.0.1/24"));
        links.add(List.of("vc", "s4"));
        spec.put("links", links);
        return spec;
    }

    private static List<String> props(Path dataDir) throws java.io.IOException {
        return new ArrayList<>(HomeGateway.properties(dataDir, TOKEN, "--natflow.natpmp.enabled=true",
                "--natflow.natpmp.max-per-host=3"));
    }

    private static JsonNode pcp(MininetNetwork net, String host, String args) {
        String out = net.cmd(host, "/usr/bin/python3 " + CLIENT + " " + args + " 2>&1", Duration.ofSeconds(20))
                .out().trim();
        try {
            return JSON.readTree(out.substring(out.lastIndexOf('\n') + 1));
        } catch (java.io.IOException e) {
            throw new AssertionError("pcp_client printed: " + out, e);
        }
    }

    private static List<JsonNode> pcpForwards(ControllerProcess controller) {
        return HomeGateway.forwards(controller, "pcp");
    }

    private static String curl(MininetNetwork net, String host, String url) {
        return net.cmd(host, "curl -s -m 3 -o /dev/null -w '%{http_code}' " + url).out();
    }

    @Test
    void insideHostsMapPortsAndPunchHolesWithPcp() throws Exception {
        Path dataDir = Files.createTempDirectory("pcp-it");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/pcp-it.log");
        try (ControllerProcess controller = new ControllerProcess(log, props(dataDir))) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(topology(controller.openflowPort))) {
                Poll.until(Duration.ofSeconds(30), "s1 connected",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                Poll.until(Duration.ofSeconds(20), "the PCP server on the link",
                        () -> net.sh("ss -lun | grep -qE '169.254.100.1]?:5351 '").ok());
                net.spawn("h2", "web", "cd / && exec python3 -m http.server 8000");
                Poll.until(Duration.ofSeconds(10), "h2's web server",
                        () -> net.cmd("h2", "ss -ltn | grep -q ':8000 '").ok());

                String nonce = "00112233445566778899aabb";
                JsonNode m = pcp(net, "h2", "map --protocol tcp --internal 8000 --external 8080 --lifetime 60"
                        + " --nonce " + nonce);
                assertThat(m.path("resultName").asText()).as(m.toString()).isEqualTo("SUCCESS");
                assertThat(m.path("externalPort").asInt()).isEqualTo(8080);
                assertThat(m.path("lifetime").asInt()).isEqualTo(60);
                assertThat(m.path("nonce").asText()).isEqualTo(nonce);
                String pub = m.path("externalAddress").asText();
                assertThat(pub).matches("203\\.0\\.113\\.1[0-3]");
                List<JsonNode> forwards = pcpForwards(controller);
                assertThat(forwards).hasSize(1);
                assertThat(forwards.get(0).get("insideAddress").asText()).isEqualTo("10.0.0.12");
                assertThat(forwards.get(0).get("lifetimeSeconds").asInt()).isBetween(50, 60);
                Poll.until(Duration.ofSeconds(5), "srv1 reaches h2 through the mapping",
                        () -> curl(net, "srv1", "http://" + pub + ":8080/").equals("200"));

                assertThat(pcp(net, "h2", "map --protocol tcp --internal 8000 --lifetime 60 --nonce "
                        + "ffffffffffffffffffffffff").path("resultName").asText()).as("another nonce")
                        .isEqualTo("NOT_AUTHORIZED");
                assertThat(pcp(net, "h2", "map --protocol tcp --internal 8001 --external 8080 --prefer-failure")
                        .path("resultName").asText()).isEqualTo("CANNOT_PROVIDE_EXTERNAL");
                assertThat(pcp(net, "h2", "map --protocol tcp --internal 8000 --third-party 10.0.0.11")
                        .path("resultName").asText()).as("THIRD_PARTY is off by default").isEqualTo("NOT_AUTHORIZED");
                assertThat(pcp(net, "h2", "--client-ip 10.0.0.99 map --protocol tcp --internal 8002")
                        .path("resultName").asText()).as("a client address not its own")
                        .isEqualTo("ADDRESS_MISMATCH");

                // FILTER: only srv2's network, then every remote again.
                JsonNode filtered = pcp(net, "h2", "map --protocol tcp --internal 8000 --lifetime 120 --nonce "
                        + nonce + " --filter 198.51.100.0/24");
                assertThat(filtered.path("externalPort").asInt()).as(filtered.toString()).isEqualTo(8080);
                assertThat(pcpForwards(controller).get(0).get("allowedSources").toString())
                        .contains("198.51.100.0/24");
                Poll.until(Duration.ofSeconds(5), "srv1 kept out",
                        () -> curl(net, "srv1", "http://" + pub + ":8080/").equals("000"));
                assertThat(curl(net, "srv2", "http://" + pub + ":8080/")).isEqualTo("200");
                pcp(net, "h2", "map --protocol tcp --internal 8000 --lifetime 120 --nonce " + nonce
                        + " --filter none");
                Poll.until(Duration.ofSeconds(5), "srv1 let in again",
                        () -> curl(net, "srv1", "http://" + pub + ":8080/").equals("200"));

                // Bad datagrams: their result codes, or nothing; no mapping changes.
                assertThat(pcp(net, "h2", "raw 0301" + "00".repeat(22)).path("resultName").asText())
                        .isEqualTo("UNSUPP_VERSION");
                assertThat(pcp(net, "h2", "raw 0301" + "00".repeat(22)).path("version").asInt())
                        .as("the version natflow speaks").isEqualTo(2);
                assertThat(pcp(net, "h2", "raw 0205" + "00".repeat(22)).path("resultName").asText())
                        .isEqualTo("UNSUPP_OPCODE");
                assertThat(pcp(net, "h2", "raw 0201" + "00".repeat(30)).path("resultName").asText())
                        .as("MAP cut short").isEqualTo("MALFORMED_REQUEST");
                JsonNode big = pcp(net, "h2", "raw 0201" + "00".repeat(1202));
                assertThat(big.path("resultName").asText()).isEqualTo("MALFORMED_REQUEST");
                assertThat(big.path("length").asInt()).as("at most 1100 bytes back").isEqualTo(1100);
                assertThat(pcp(net, "h2", "--timeout 1 raw 0281" + "00".repeat(22)).path("answer").asText())
                        .as("an answer sent to the server").isEqualTo("none");
                assertThat(pcp(net, "h2", "--timeout 1 raw 02").path("answer").asText()).as("one byte")
                        .isEqualTo("none");
                assertThat(pcpForwards(controller)).as("nothing changed").hasSize(1);
                String meters = controller.get("/actuator/prometheus");
                assertThat(meters).contains("natflow_portmap_mappings{source=\"pcp\"} 1.0")
                        .containsPattern("natflow_portmap_malformed_total [1-9]");

                // The quota (3): with the one above, two more, then USER_EX_QUOTA.
                assertThat(pcp(net, "h2", "map --protocol udp --internal 7001").path("resultName").asText())
                        .isEqualTo("SUCCESS");
                assertThat(pcp(net, "h2", "map --protocol udp --internal 7002").path("resultName").asText())
                        .isEqualTo("SUCCESS");
                JsonNode quota = pcp(net, "h2", "map --protocol udp --internal 7003");
                assertThat(quota.path("resultName").asText()).isEqualTo("USER_EX_QUOTA");
                assertThat(quota.path("lifetime").asInt()).as("a short lifetime error").isEqualTo(30);

                // The operator's policy: one more per host, h2 may ask for others, inside ports from 1024 only.
                assertThat(controller.send("PUT", "/api/v1/port-mapping-policy", "{\"insidePorts\":\"x\"}", TOKEN))
                        .startsWith("400 ").contains("insidePorts");
                assertThat(controller.send("PUT", "/api/v1/port-mapping-policy", "{\"maxPerHost\":4,"
                        + "\"thirdPartyFrom\":[\"10.0.0.12/32\"],\"insidePorts\":\"1024-65535\"}", TOKEN))
                        .startsWith("200 ").contains("\"thirdPartyFrom\":[\"10.0.0.12/32\"]");
                assertThat(pcp(net, "h2", "map --protocol tcp --internal 80").path("resultName").asText())
                        .as("an inside port below 1024").isEqualTo("NOT_AUTHORIZED");
                JsonNode forH1 = pcp(net, "h2", "map --protocol tcp --internal 8000 --third-party 10.0.0.11");
                assertThat(forH1.path("resultName").asText()).as(forH1.toString()).isEqualTo("SUCCESS");
                assertThat(pcpForwards(controller)).anySatisfy(f -> assertThat(f.get("insideAddress").asText())
                        .isEqualTo("10.0.0.11"));

                // Hole punching: vc's public endpoint as srv2 sees it, a PEER mapping towards it; vc sends first
                // (punching its own NAT: were h2's datagrams there first, Linux's tracker would hold that tuple
                // and give vc's flow another port), h2 answers what it hears.
                net.spawn("srv2", "whoami", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                        .resolve("mininet/tools/udp_whoami.py") + " --bind 198.51.100.10 --port 3478");
                Poll.until(Duration.ofSeconds(10), "srv2's whoami", () -> net.cmd("srv2", "ss -lun | grep -q ':3478 '")
                        .ok());
                String seen = net.cmd("vc", "python3 -c \"import socket; s = socket.socket(socket.AF_INET,"
                        + " socket.SOCK_DGRAM); s.bind(('0.0.0.0', 6000)); s.settimeout(3);"
                        + " s.sendto(b'hi', ('198.51.100.10', 3478)); print(s.recv(100).decode().split()[0])\"")
                        .out().trim();
                assertThat(seen).as("vc's public endpoint").startsWith("198.51.100.20:");
                JsonNode peer = pcp(net, "h2", "peer --protocol udp --internal 5000 --remote " + seen
                        + " --lifetime 120");
                assertThat(peer.path("resultName").asText()).as(peer.toString()).isEqualTo("SUCCESS");
                assertThat(peer.path("remoteAddress").asText() + ":" + peer.path("remotePort").asInt())
                        .isEqualTo(seen);
                String h2Public = peer.path("externalAddress").asText() + ":" + peer.path("externalPort").asInt();
                Path report = MininetEnvironment.projectRoot().resolve("rest-api/target/pcp-peer-h2.json");
                Files.deleteIfExists(report);
                String udpPeer = "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                        .resolve("mininet/tools/udp_peer.py");
                net.spawn("h2", "peerH2", udpPeer + " --bind 5000 --to " + seen
                        + " --count 20 --interval 0.1 --linger 3 --tag h2 --answer --deadline 20 > " + report);
                Poll.until(Duration.ofSeconds(10), "h2's peer listening",
                        () -> net.cmd("h2", "ss -lun | grep -q ':5000 '").ok());
                JsonNode vc = JSON.readTree(net.cmd("vc", udpPeer.substring(5) + " --bind 6000 --to " + h2Public
                        + " --count 20 --interval 0.1 --linger 3 --tag vc", Duration.ofSeconds(30)).out().trim());
                Poll.until(Duration.ofSeconds(15), "h2's report", () -> report.toFile().length() > 0);
                JsonNode h2 = JSON.readTree(Files.readString(report));
                assertThat(vc.get("received").asInt()).as("vc hears h2 directly: " + vc).isPositive();
                assertThat(vc.get("from").toString()).as("from h2's PCP endpoint").contains(h2Public);
                assertThat(h2.get("received").asInt()).as("h2 hears vc: " + h2).isPositive();
                assertThat(h2.get("from").toString()).contains(seen);

                // The epoch: ANNOUNCE, natflow killed, ANNOUNCE again: it went on, and the mapping is kept.
                JsonNode first = pcp(net, "h2", "announce");
                assertThat(first.path("resultName").asText()).isEqualTo("SUCCESS");
                assertThat(first.path("lifetime").asInt()).isZero();
                long clientBefore = System.nanoTime();
                controller.kill9();
                controller.start();
                Poll.until(Duration.ofSeconds(30), "s1 back",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                Poll.until(Duration.ofSeconds(20), "the PCP server back",
                        () -> !pcp(net, "h2", "--timeout 1 announce").has("answer"));
                JsonNode second = pcp(net, "h2", "announce");
                assertThat(continues(first.path("epoch").asLong(), second.path("epoch").asLong(), clientBefore))
                        .as("the epoch goes on: " + first + " then " + second).isTrue();
                assertThat(pcpForwards(controller)).as("the mappings kept").hasSize(5);
                assertThat(curl(net, "srv1", "http://" + pub + ":8080/")).isEqualTo("200");

                // State lost (a new database): the epoch starts again, and the client can tell, from natflow's
                // unsolicited ANNOUNCE to 224.0.0.1:5350 too.
                Path heard = MininetEnvironment.projectRoot().resolve("rest-api/target/pcp-announce.hex");
                Files.deleteIfExists(heard);
                net.spawn("h2", "announce", "exec python3 -c \"import socket\n"
                        + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                        + "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(('', 5350))\n"
                        + "d, a = s.recvfrom(2048)\nopen('" + heard + "', 'w').write(a[0] + ' ' + d.hex())\"");
                Poll.until(Duration.ofSeconds(10), "h2 listens on 5350",
                        () -> net.cmd("h2", "ss -lun | grep -q ':5350 '").ok());
                long clientLost = System.nanoTime();
                controller.kill9();
                try (var files = Files.walk(dataDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(dataDir))
                            .forEach(f -> f.toFile().delete());
                }
                controller.start();
                Poll.until(Duration.ofSeconds(20), "the PCP server back",
                        () -> !pcp(net, "h2", "--timeout 1 announce").has("answer"));
                JsonNode third = pcp(net, "h2", "announce");
                assertThat(continues(second.path("epoch").asLong(), third.path("epoch").asLong(), clientLost))
                        .as("the reset is detected: " + second + " then " + third).isFalse();
                Poll.until(Duration.ofSeconds(10), "natflow's unsolicited ANNOUNCE", () -> heard.toFile().length() > 0);
                String[] announce = Files.readString(heard).split(" ");
                assertThat(announce[0]).as("from the gateway").isEqualTo("10.0.0.1");
                assertThat(announce[1]).as("version 2, an answer to ANNOUNCE, SUCCESS, lifetime 0")
                        .startsWith("028000000000000");
                assertThat(continues(second.path("epoch").asLong(), Long.parseLong(announce[1].substring(16, 24), 16),
                        clientLost)).as("its epoch shows the reset").isFalse();
                assertThat(pcpForwards(controller)).isEmpty();
                net.kill("web");
                net.kill("whoami");
            }
        } finally {
            HomeGateway.delete(dataDir);
        }
    }

    /** The verdicts ("NAT with ...", "No NAT ...") of natdiscovery's mapping and filtering sections. */
    private static List<String> verdicts(String report) {
        return report.lines().map(String::strip).filter(l -> l.startsWith("NAT with") || l.startsWith("No NAT")
                || l.startsWith("NAT unsupport")).toList();
    }

    @Test
    void natdiscoveryAgainstNatflowsStunServerClassifiesALinuxNatAsCoturnDoes() throws Exception {
        Path dataDir = Files.createTempDirectory("stun-it");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/stun-it.log");
        List<String> props = props(dataDir);
        props.add("--natflow.turn.enabled=true");
        props.add("--natflow.upstream-nat.stun-server=198.51.100.10:3478");
        try (ControllerProcess controller = new ControllerProcess(log, props)) {
            controller.start();
            Map<String, Object> spec = topology(controller.openflowPort);
            // natflow's own uplink behind a Linux NAT too, for what natflow sends to srv2 (the STUN server it
            // classifies its upstream with): r1 masquerades towards srv2's two addresses.
            @SuppressWarnings("unchecked")
            List<Object> hosts = new ArrayList<>((List<Object>) spec.get("hosts"));
            hosts.replaceAll(h -> h instanceof Map<?, ?> m && "r1".equals(m.get("name")) ? Map.of("name", "r1",
                    "forwarding", true, "commands", List.of("iptables -t nat -A POSTROUTING -o r1-eth1"
                            + " -d 198.51.100.10/31 -j MASQUERADE")) : h);
            spec.put("hosts", hosts);
            try (MininetNetwork net = MininetNetwork.start(spec)) {
                Poll.until(Duration.ofSeconds(30), "s1 connected",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                Poll.until(Duration.ofSeconds(20), "natflow's STUN server on both ports",
                        () -> net.sh("ss -lun | grep -E '169.254.100.1]?:347[89] ' | wc -l").out().trim().equals("2"));
                // The reference: coturn with RFC 5780 on srv2's two addresses, beside the Linux NAT (cnat).
                net.cmd("srv2", "ip addr add 198.51.100.11/24 dev srv2-eth0");
                net.spawn("srv2", "coturn", "exec turnserver -n --no-cli --no-tls --no-dtls --log-file stdout"
                        + " -L 198.51.100.10 -L 198.51.100.11 --alt-listening-port 3479");
                Poll.until(Duration.ofSeconds(20), "coturn on both addresses",
                        () -> net.cmd("srv2", "ss -Hlun").out().contains("198.51.100.11:3479"));
                String reference = net.cmd("vc", "turnutils_natdiscovery -m -f 198.51.100.10 2>&1",
                        Duration.ofSeconds(60)).out();
                String natflow = net.cmd("vc", "turnutils_natdiscovery -m -f 203.0.113.10 2>&1",
                        Duration.ofSeconds(60)).out();
                assertThat(verdicts(reference)).as(reference).hasSize(2)
                        .anySatisfy(v -> assertThat(v).contains("Endpoint Independent Mapping"))
                        .anySatisfy(v -> assertThat(v).contains("Address and Port Dependent Filtering"));
                assertThat(verdicts(natflow)).as("natflow's server sees what coturn sees\n" + natflow)
                        .isEqualTo(verdicts(reference));
                String other = net.cmd("vc", "turnutils_stunclient 203.0.113.10 2>&1").out();
                assertThat(other).as(other).contains("203.0.113.11:3479");

                // natflow classifies the NAT beyond its own uplink (r1's) against coturn, as vc's stack did.
                JsonNode upstream = JSON.readTree(controller.send("POST", "/api/v1/uplinks/upstream-nat/check", "",
                        TOKEN).replaceFirst("^\\d+ ", ""));
                assertThat(upstream.path("error").isNull()).as(upstream.toString()).isTrue();
                assertThat(upstream.path("behindNat").asBoolean()).as(upstream.toString()).isTrue();
                assertThat(upstream.path("mappedEndpoint").asText()).startsWith("198.51.100.1:");
                assertThat(upstream.path("mapping").asText()).isEqualTo("endpoint-independent");
                assertThat(upstream.path("filtering").asText()).isEqualTo("address-and-port-dependent");
                assertThat(controller.get("/api/v1/uplinks")).contains("\"upstreamNat\":{")
                        .contains("\"filtering\":\"address-and-port-dependent\"");
                net.kill("coturn");
            }
        } finally {
            HomeGateway.delete(dataDir);
        }
    }

    /**
     * RFC 6887, section 8.5: the client's check that the server kept its state, from the epoch it saw before,
     * the one it sees now and the time that passed on its own clock (seconds; 1/8 drift and 2 s allowed).
     */
    private static boolean continues(long previousEpoch, long epoch, long previousNanos) {
        double elapsed = (System.nanoTime() - previousNanos) / 1e9;
        return epoch >= previousEpoch + elapsed * 7 / 8 - 2 && epoch <= previousEpoch + elapsed * 9 / 8 + 2;
    }
}
