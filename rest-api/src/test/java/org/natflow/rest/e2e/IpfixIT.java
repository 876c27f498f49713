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
 * NAT events over IPFIX (issue 24) into nfdump's {@code nfcapd} on 127.0.0.1, read back with {@code nfdump -r
 * -o raw}: on the shipped {@code nat-home} network, the controller datapath's endpoint-independent mappings
 * (BIB create on h1's first packet, BIB delete when the operator deletes it), a host over its quota, the
 * proxy's outside connection as a session with its destination, a static NAT's address binding; the conntrack
 * datapath's port blocks, allocated and de-allocated. Each with inside and public address and port, protocol
 * and time as nfdump shows them, and the natEvent values of IANA's registry.
 */
@Tag("mininet")
class IpfixIT {

    private static final String TOKEN = "ipfix-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Map<String, String>> events(List<Map<String, String>> records, int natEvent) {
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> r : records) {
            String e = r.getOrDefault("nat event", "");
            if (e.startsWith(natEvent + ":")) {
                out.add(r);
            }
        }
        return out;
    }

    private static long eventTime(Map<String, String> r) {
        return Long.parseLong(r.get("Event time").split("\\s+")[0]);
    }

    private static double recordsSent(ControllerProcess controller) {
        for (String line : controller.get("/actuator/prometheus").split("\n")) {
            if (line.startsWith("natflow_ipfix_records_sent_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    /** Once s1 is connected, h1 fetches a page from srv1's web server through the NAT. */
    private static void h1ReachesSrv1(ControllerProcess controller, MininetNetwork net) {
        Poll.until(Duration.ofSeconds(30), "s1 connected",
                () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
        net.spawn("srv1", "web", "cd / && exec python3 -m http.server 8000");
        Poll.until(Duration.ofSeconds(10), "srv1's web server", () -> net.cmd("srv1", "ss -ltn | grep -q ':8000 '").ok());
        assertThat(net.cmd("h1", "curl -s -m 5 -o /dev/null -w '%{http_code}' http://203.0.113.100:8000/").out())
                .isEqualTo("200");
    }

    @Test
    void theControllerDatapathsMappingsQuotaProxySessionsAndBindingsReachNfcapd() throws Exception {
        Path dataDir = Files.createTempDirectory("ipfix-it");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/ipfix-it.log");
        long begin = System.currentTimeMillis();
        try (Nfcapd nfcapd = Nfcapd.start();
             ControllerProcess controller = new ControllerProcess(log, HomeGateway.properties(dataDir, TOKEN,
                     "--natflow.ipfix.collectors=127.0.0.1:" + nfcapd.port, "--natflow.ipfix.instance-id=7",
                     "--natflow.nat.ports-per-host=4", "--natflow.proxy.enabled=true"))) {
            controller.start();
            List<Map<String, String>> records;
            String mappedPort;
            try (MininetNetwork net = MininetNetwork.start(HomeGateway.topology(controller.openflowPort))) {
                h1ReachesSrv1(controller, net);
                JsonNode sessions = JSON.readTree(controller.get("/api/v1/nat/sessions?insideAddress=10.0.0.11"));
                JsonNode tcp = null;
                for (JsonNode s : sessions) {
                    if (s.get("protocol").asText().equalsIgnoreCase("tcp")) {
                        tcp = s;
                    }
                }
                assertThat(tcp).as(sessions.toString()).isNotNull();
                mappedPort = tcp.get("publicPort").asText();
                assertThat(controller.send("DELETE", "/api/v1/nat/sessions/" + tcp.get("id").asText(), null, TOKEN))
                        .startsWith("204");

                // h2 over its quota of 4 UDP mappings: the fifth and sixth source ports are refused.
                net.cmd("h2", "python3 -c \"import socket\nfor p in range(41000, 41006):\n"
                        + "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('', p));"
                        + " s.sendto(b'x', ('203.0.113.100', 9))\"");

                // The proxy binds once the service link is up: wait for it, then for an answer through it.
                Poll.until(Duration.ofSeconds(20), "natflow's proxy on the link",
                        () -> net.sh("ss -ltn | grep -qE '169.254.100.1]?:3128 '").ok());
                Poll.until(Duration.ofSeconds(15), "h1 through natflow's proxy", () -> net.cmd("h1",
                        "curl -s -m 3 -o /dev/null -w '%{http_code}' -x http://10.0.0.1:3128 http://203.0.113.100:8000/")
                        .out().equals("200"));

                String created = controller.send("POST", "/api/v1/static-nat", "{\"publicAddress\":\"203.0.113.60\","
                        + "\"insideAddress\":\"10.0.0.12\"}", TOKEN);
                assertThat(created).startsWith("201 ");
                String id = JSON.readTree(created.substring(4)).get("id").asText();
                assertThat(controller.send("DELETE", "/api/v1/static-nat/" + id, null, TOKEN)).startsWith("204");

                // 2 + 4 mappings (h1's deleted), a quota refusal, the proxy's session (its end after 10 s), a binding
                // and its end: at least 11 records.
                Poll.until(Duration.ofSeconds(30), "the records sent", () -> recordsSent(controller) >= 11);
                records = nfcapd.stopAndRead();
            }
            long end = System.currentTimeMillis();

            List<Map<String, String>> bibCreate = events(records, 8);
            assertThat(bibCreate).as(records.toString()).anySatisfy(r -> {
                assertThat(r.get("proto")).startsWith("6 ");
                assertThat(r.get("src addr")).isEqualTo("10.0.0.11");
                assertThat(r.get("src xlt ip")).matches("203\\.0\\.113\\.1[0-3]");
                assertThat(r.get("src xlt port")).isEqualTo(mappedPort);
                assertThat(eventTime(r)).isBetween(begin, end);
            });
            assertThat(events(records, 9)).as("BIB delete").anySatisfy(r -> {
                assertThat(r.get("src addr")).isEqualTo("10.0.0.11");
                assertThat(r.get("src xlt port")).isEqualTo(mappedPort);
            });
            assertThat(bibCreate.stream().filter(r -> r.get("src addr").equals("10.0.0.12")
                    && r.get("proto").startsWith("17 "))).as("h2's four UDP mappings").hasSize(4);
            assertThat(events(records, 13)).as("quota exceeded").isNotEmpty()
                    .allSatisfy(r -> assertThat(r.get("src addr")).isEqualTo("10.0.0.12"));
            assertThat(events(records, 4)).as("the proxy's outside connection: a session").anySatisfy(r -> {
                assertThat(r.get("src addr")).isEqualTo("10.0.0.11");
                assertThat(r.get("dst addr")).isEqualTo("203.0.113.100");
                assertThat(r.get("dst port")).isEqualTo("8000");
                assertThat(r.get("src xlt ip")).matches("203\\.0\\.113\\.1[0-3]");
                assertThat(r.get("proto")).startsWith("6 ");
            });
            assertThat(events(records, 14)).as("static NAT bound").anySatisfy(r -> {
                assertThat(r.get("src addr")).isEqualTo("10.0.0.12");
                assertThat(r.get("src xlt ip")).isEqualTo("203.0.113.60");
            });
            assertThat(events(records, 15)).as("and unbound").anySatisfy(r ->
                    assertThat(r.get("src xlt ip")).isEqualTo("203.0.113.60"));
        } finally {
            HomeGateway.delete(dataDir);
        }
    }

    @Test
    void theConntrackDatapathsPortBlocksReachNfcapd() throws Exception {
        Path dataDir = Files.createTempDirectory("ipfix-ct-it");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/ipfix-ct-it.log");
        List<String> props = new ArrayList<>();
        MininetNetwork.properties("nat-home").forEach((k, v) -> props.add("--" + k + "=" + v));
        props.addAll(List.of("--natflow.data-dir=" + dataDir, "--natflow.api.token=" + TOKEN,
                "--natflow.nat.datapath=conntrack", "--natflow.nat.ports-per-host=1024",
                "--natflow.nat.timeouts.tcp-established=5s"));
        long begin = System.currentTimeMillis();
        try (Nfcapd nfcapd = Nfcapd.start()) {
            props.add("--natflow.ipfix.collectors=127.0.0.1:" + nfcapd.port);
            try (ControllerProcess controller = new ControllerProcess(log, props)) {
                controller.start();
                List<Map<String, String>> records;
                JsonNode block;
                try (MininetNetwork net = MininetNetwork.start(MininetNetwork.topology("nat-home",
                        controller.openflowPort))) {
                    h1ReachesSrv1(controller, net);
                    JsonNode blocks = JSON.readTree(controller.get("/api/v1/nat/blocks?insideAddress=10.0.0.11"));
                    assertThat(blocks).hasSize(1);
                    block = blocks.get(0);
                    Poll.until(Duration.ofSeconds(60), "the idle block released", () -> {
                        try {
                            return JSON.readTree(controller.get("/api/v1/nat/blocks?insideAddress=10.0.0.11"))
                                    .isEmpty();
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    });
                    Poll.until(Duration.ofSeconds(10), "both records sent", () -> recordsSent(controller) >= 2);
                    records = nfcapd.stopAndRead();
                }
                long end = System.currentTimeMillis();
                assertThat(events(records, 16)).as(records.toString()).anySatisfy(r -> {
                    assertThat(r.get("src addr")).isEqualTo("10.0.0.11");
                    assertThat(r.get("src xlt ip")).isEqualTo(block.get("publicAddress").asText());
                    assertThat(eventTime(r)).isBetween(begin, end);
                });
                assertThat(events(records, 17)).as("de-allocated").anySatisfy(r -> {
                    assertThat(r.get("src addr")).isEqualTo("10.0.0.11");
                    assertThat(r.get("src xlt ip")).isEqualTo(block.get("publicAddress").asText());
                });
            }
        } finally {
            HomeGateway.delete(dataDir);
        }
    }
}
