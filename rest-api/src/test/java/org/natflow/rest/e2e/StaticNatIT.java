package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * 1:1 static NAT (issue 21, part 3) on both datapaths, on the shipped {@code nat-home} network: h2 gets
 * 203.0.113.60 of its own, open to 198.51.100.0/24 (srv2's side). srv2 connects in and is seen as itself; srv1
 * is kept out until h2 sends to it; h2's connections leave from 203.0.113.60 with their own ports; h1 reaches
 * the address by hairpinning; an ICMP port unreachable about the static address reaches h2's socket; refused
 * rules name their holder; the rule and its flows survive natflow killed with SIGKILL; a deleted rule's address
 * is no longer answered for.
 */
@Tag("mininet")
class StaticNatIT {

    private static final String TOKEN = "static-nat-token";
    private static List<String> props(String name, String... extra) throws java.io.IOException {
        List<String> props = new ArrayList<>();
        MininetNetwork.properties("nat-home").forEach((k, v) -> props.add("--" + k + "=" + v));
        props.add("--natflow.data-dir=" + Files.createTempDirectory(name));
        props.add("--natflow.api.token=" + TOKEN);
        props.addAll(List.of(extra));
        return props;
    }

    private static String curl(MininetNetwork net, String host) {
        return net.cmd(host, "curl -s -m 3 -o /dev/null -w '%{http_code}' http://203.0.113.60:8000/").out();
    }

    private static String staticFlows(MininetNetwork net) {
        return net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1 | grep priority=195").out();
    }

    private static void run(String name, String... extra) throws Exception {
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/" + name + ".log");
        Path echo = Files.createTempFile("natflow-static-echo", ".py");
        Files.writeString(echo, ConntrackNatIT.ECHO); // answers with the sender's address:port
        String access = "/tmp/natflow-" + name + "-http.txt";
        try (ControllerProcess controller = new ControllerProcess(log, props(name, extra))) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(MininetNetwork.topology("nat-home",
                    controller.openflowPort))) {
                Poll.until(Duration.ofSeconds(30), "s1 connected",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                net.sh("rm -f " + access);
                net.spawn("h2", "web", "cd / && exec python3 -m http.server 8000 >> " + access + " 2>&1");
                net.spawn("srv1", "echo", "exec python3 " + echo);
                Poll.until(Duration.ofSeconds(10), "servers listening", () -> net.cmd("h2", "ss -ltn | grep -q ':8000 '")
                        .ok() && net.cmd("srv1", "ss -ltn | grep -q ':9000 '").ok());

                String created = controller.send("POST", "/api/v1/static-nat", "{\"publicAddress\":\"203.0.113.60\","
                        + "\"insideAddress\":\"10.0.0.12\",\"allowedSources\":[\"198.51.100.0/24\"],"
                        + "\"description\":\"h2's own\"}", TOKEN);
                assertThat(created).startsWith("201 ").contains("\"via\":\"203.0.113.10\"");
                String id = created.replaceAll("(?s).*\"id\":(\\d+).*", "$1");
                assertThat(controller.send("POST", "/api/v1/static-nat", "{\"publicAddress\":\"203.0.113.10\","
                        + "\"insideAddress\":\"10.0.0.11\"}", TOKEN)).startsWith("409 ").contains("NAT pool");
                assertThat(controller.send("POST", "/api/v1/static-nat", "{\"publicAddress\":\"203.0.113.60\","
                        + "\"insideAddress\":\"10.0.0.11\"}", TOKEN)).startsWith("409 ").contains("static NAT " + id);
                assertThat(controller.send("POST", "/api/v1/static-nat", "{\"publicAddress\":\"203.0.113.61\","
                        + "\"insideAddress\":\"10.0.0.12\"}", TOKEN)).startsWith("409 ").contains("static NAT " + id);
                assertThat(controller.send("POST", "/api/v1/static-nat", "{\"publicAddress\":\"203.0.113.6o\","
                        + "\"insideAddress\":\"10.0.0.11\"}", TOKEN)).startsWith("400 ").contains("publicAddress");
                Poll.until(Duration.ofSeconds(5), "static NAT flows on s1",
                        () -> staticFlows(net).contains("nw_dst=203.0.113.60"));

                assertThat(curl(net, "srv1")).as("srv1 is not on the allow list").isEqualTo("000");
                assertThat(curl(net, "srv2")).as("srv2 is").isEqualTo("200");
                assertThat(net.cmd("h2", "cat " + access).out()).as("h2 sees the real client")
                        .contains("198.51.100.10 - - ");

                assertThat(net.cmd("h2", "python3 -c \"import socket; s = socket.socket(); s.bind(('', 45678));"
                        + " s.settimeout(5); s.connect(('203.0.113.100', 9000)); print(s.recv(64).decode().strip())\"")
                        .out().trim()).as("TCP leaves from the static address with its own port")
                        .isEqualTo("203.0.113.60:45678");
                assertThat(net.cmd("h2", "python3 -c \"import socket; s = socket.socket(socket.AF_INET,"
                        + " socket.SOCK_DGRAM); s.bind(('', 45679)); s.settimeout(3);"
                        + " s.sendto(b'x', ('203.0.113.100', 9000)); print(s.recv(64).decode())\"").out().trim())
                        .as("so does UDP").isEqualTo("203.0.113.60:45679");
                assertThat(controller.get("/api/v1/static-nat/" + id)).as("srv1 is let back in")
                        .contains("\"remotes\":[\"203.0.113.100\"]");
                assertThat(curl(net, "srv1")).as("srv1 connects once h2 has sent to it").isEqualTo("200");
                assertThat(curl(net, "h1")).as("h1 by hairpinning").isEqualTo("200");
                assertThat(net.cmd("srv2", "ping -c 1 -W 2 203.0.113.60").ok()).as("ping from outside").isTrue();
                assertThat(net.cmd("h2", "python3 -c \"import socket; s = socket.socket(socket.AF_INET,"
                        + " socket.SOCK_DGRAM); s.settimeout(3); s.connect(('203.0.113.100', 9999)); s.send(b'x')\n"
                        + "try:\n    s.recv(64); print('answered')\nexcept ConnectionRefusedError:\n"
                        + "    print('refused')\nexcept socket.timeout:\n    print('timeout')\"").out().trim())
                        .as("srv1's port unreachable, its embedded datagram translated, reaches h2's socket")
                        .isEqualTo("refused");

                controller.kill9();
                assertThat(curl(net, "srv2")).as("the switch translates while natflow is down").isEqualTo("200");
                controller.start();
                Poll.until(Duration.ofSeconds(30), "s1 back",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                assertThat(controller.get("/api/v1/static-nat")).as("the rule kept").contains("203.0.113.60");
                Poll.until(Duration.ofSeconds(10), "srv2 reaches h2 after the restart",
                        () -> curl(net, "srv2").equals("200"));
                assertThat(staticFlows(net)).contains("nw_dst=203.0.113.60");

                assertThat(controller.send("DELETE", "/api/v1/static-nat/" + id, null, TOKEN)).startsWith("204");
                Poll.until(Duration.ofSeconds(5), "flows gone", () -> !staticFlows(net).contains("203.0.113.60"));
                assertThat(curl(net, "srv2")).as("deleted: cut off").isEqualTo("000");
                net.cmd("srv1", "ip neigh flush all");
                assertThat(net.cmd("srv1", "ping -c 1 -W 1 203.0.113.60").ok()).isFalse();
                assertThat(net.cmd("srv1", "ip neigh show 203.0.113.60").out()).as("no longer answered for")
                        .doesNotContain("lladdr");
            }
        } finally {
            Files.deleteIfExists(echo);
        }
    }

    @Test
    void staticNatThroughTheControllerDatapath() throws Exception {
        run("static-nat-it");
    }

    @Test
    void staticNatThroughTheConntrackDatapath() throws Exception {
        run("static-nat-ct-it", "--natflow.nat.datapath=conntrack", "--natflow.nat.ports-per-host=1024");
    }
}
