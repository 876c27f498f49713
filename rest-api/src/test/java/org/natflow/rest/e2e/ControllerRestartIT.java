package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * A long TCP stream through the NAT survives natflow being killed with SIGKILL and started again: the flows
 * stay on the switch meanwhile, the restarted controller reads the mappings back from the flow table, and a
 * new connection gets a port no live mapping uses.
 */
@Tag("mininet")
class ControllerRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Set<String> tcpEndpoints(ControllerProcess c) {
        Set<String> out = new HashSet<>();
        JsonNode sessions;
        try {
            sessions = JSON.readTree(c.get("/api/v1/nat/sessions?protocol=tcp"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        for (JsonNode s : sessions) {
            out.add(s.get("insideAddress").asText() + ":" + s.get("insidePort").asInt() + ">"
                    + s.get("publicAddress").asText() + ":" + s.get("publicPort").asInt());
        }
        return out;
    }

    private static long udpSessionId(ControllerProcess c, int insidePort) {
        try {
            for (JsonNode s : JSON.readTree(c.get("/api/v1/nat/sessions?protocol=udp"))) {
                if (s.get("insidePort").asInt() == insidePort) {
                    return s.get("id").asLong();
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return -1;
    }

    /** natflow's settings for nat-home, a fresh data directory, and {@code extra}. */
    private static List<String> props(String name, String... extra) throws java.io.IOException {
        List<String> props = new ArrayList<>();
        MininetNetwork.properties("nat-home").forEach((k, v) -> props.add("--" + k + "=" + v));
        props.add("--natflow.data-dir=" + Files.createTempDirectory(name));
        props.addAll(List.of(extra));
        return props;
    }

    /** kill -9, start again, and wait until s1 has reconnected. */
    private static void killAndRestart(ControllerProcess controller, MininetNetwork net) throws Exception {
        controller.kill9();
        controller.start();
        Poll.until(Duration.ofSeconds(30), "s1 back", () -> controller.get("/api/v1/switches")
                .contains(net.dpid("s1")));
    }

    /** Waits for s1 to connect, then starts a one-shot iperf3 server on srv1. */
    private static void iperfServer(ControllerProcess controller, MininetNetwork net) {
        Poll.until(Duration.ofSeconds(30), "s1 connected",
                () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
        net.spawn("srv1", "iperf-server", "exec iperf3 -s -1");
        Poll.until(Duration.ofSeconds(10), "iperf3 server", () -> net.cmd("srv1", "ss -ltn | grep -q ':5201 '").ok());
    }

    @Test
    void streamSurvivesKill9AndMappingsAreRebuilt() throws Exception {
        List<String> props = props("natflow-restart-it", "--natflow.api.token=test-token");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/controller-restart-it.log");
        try (ControllerProcess controller = new ControllerProcess(log, props)) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(MininetNetwork.topology("nat-home",
                    controller.openflowPort))) {
                iperfServer(controller, net);
                net.spawn("h1", "stream", "exec iperf3 -c 203.0.113.100 -t 14 -i 1 -J > /tmp/natflow-restart.json");
                Poll.until(Duration.ofSeconds(10), "stream mappings", () -> tcpEndpoints(controller).size() >= 2);
                Set<String> before = tcpEndpoints(controller);

                killAndRestart(controller, net);
                Poll.until(Duration.ofSeconds(10), "mappings rebuilt from the flow table",
                        () -> tcpEndpoints(controller).containsAll(before));

                assertThat(net.cmd("h2", "curl -s -m 10 -o /dev/null -w '%{http_code}' http://203.0.113.100:5201/ "
                        + "--local-port 45500").out()).as("a new connection goes through").isNotEqualTo("");
                Set<String> after = tcpEndpoints(controller);
                String fresh = after.stream().filter(e -> e.startsWith("10.0.0.12:45500>")).findFirst().orElseThrow();
                Set<String> livePublic = new HashSet<>();
                before.forEach(e -> livePublic.add(e.substring(e.indexOf('>') + 1)));
                assertThat(livePublic).as("new mapping's public endpoint is not a live one")
                        .doesNotContain(fresh.substring(fresh.indexOf('>') + 1));

                Poll.until(Duration.ofSeconds(30), "stream finished", () -> net.cmd("h1",
                        "grep -q '\"sum_received\"' /tmp/natflow-restart.json").ok());
                JsonNode result = JSON.readTree(net.cmd("h1", "cat /tmp/natflow-restart.json; rm -f "
                        + "/tmp/natflow-restart.json").out());
                assertThat(result.has("error")).as(result.path("error").asText()).isFalse();
                assertThat(result.at("/end/sum_received/bytes").asLong()).isPositive();
                StringBuilder seconds = new StringBuilder();
                for (JsonNode interval : result.get("intervals")) {
                    seconds.append(String.format("%.1f-%.1f:%d ", interval.at("/sum/start").asDouble(),
                            interval.at("/sum/end").asDouble(), interval.at("/sum/bytes").asLong()));
                }
                for (JsonNode interval : result.get("intervals")) {
                    assertThat(interval.at("/sum/bytes").asLong()).as("every second moved data, down time included: "
                            + seconds).isPositive();
                }
                net.kill("stream");
                net.kill("iperf-server");

                // A mapping whose flows vanish while the switch is away (an OVS restart) is released when it
                // comes back.
                net.cmd("h2", "echo x | nc -u -w 1 -p 47700 203.0.113.100 9");
                Poll.until(Duration.ofSeconds(10), "udp mapping", () -> udpSessionId(controller, 47700) > 0);
                long id = udpSessionId(controller, 47700);
                // (del-controller would flush the whole table: point the bridge at a dead controller instead.)
                net.sh("ovs-vsctl set-controller s1 tcp:127.0.0.1:9");
                Poll.until(Duration.ofSeconds(10), "s1 away", () -> !controller.get("/api/v1/switches")
                        .contains(net.dpid("s1")));
                net.sh(String.format("ovs-ofctl -O OpenFlow13 del-flows s1 'cookie=0x%x/0xfffffffffffffffe'",
                        (3L << 48) | (id << 1)));
                net.sh("ovs-vsctl set-controller s1 tcp:127.0.0.1:" + controller.openflowPort);
                Poll.until(Duration.ofSeconds(20), "vanished mapping released",
                        () -> udpSessionId(controller, 47700) < 0);
                assertThat(tcpEndpoints(controller)).as("the others are kept").isNotEmpty();
            }
        }
    }

    private static String blocks(ControllerProcess c) {
        try {
            StringBuilder out = new StringBuilder();
            for (JsonNode b : JSON.readTree(c.get("/api/v1/nat/blocks"))) {
                out.append(b.get("insideAddress").asText()).append('>').append(b.get("publicAddress").asText())
                        .append(':').append(b.get("firstPort").asInt()).append('-').append(b.get("lastPort").asInt())
                        .append(' ');
            }
            return out.toString().trim();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void conntrackStreamSurvivesKill9AndBlocksAreReadBack() throws Exception {
        List<String> props = props("natflow-restart-ct-it", "--natflow.nat.datapath=conntrack",
                "--natflow.nat.ports-per-host=4096");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/controller-restart-ct-it.log");
        try (ControllerProcess controller = new ControllerProcess(log, props)) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(MininetNetwork.topology("nat-home",
                    controller.openflowPort))) {
                iperfServer(controller, net);
                net.spawn("h1", "stream", "exec iperf3 -c 203.0.113.100 -t 12 -i 1 -J > /tmp/natflow-restart-ct.json");
                Poll.until(Duration.ofSeconds(10), "h1's block", () -> blocks(controller).startsWith("10.0.0.11>"));
                String before = blocks(controller);
                // The block is listed once it is taken; its flows reach the switch a moment later. Only flows in
                // the switch can be read back: kill once they are there (a busy machine showed the gap).
                String range = before.substring(before.indexOf('>') + 1);
                Poll.until(Duration.ofSeconds(10), "h1's block in the switch (nat(src=" + range + "))", () -> net.sh(
                        "ovs-ofctl -O OpenFlow13 dump-flows s1 | grep -qF 'nat(src=" + range + ")'").ok());

                killAndRestart(controller, net);
                Poll.until(Duration.ofSeconds(10), "block read back from the flow table",
                        () -> blocks(controller).equals(before));
                assertThat(net.cmd("h2", "curl -s -m 10 -o /dev/null -w '%{http_code}' http://203.0.113.100:5201/")
                        .out()).as("h2 gets through").isNotEqualTo("");
                String after = blocks(controller);
                assertThat(after).as("h1 keeps its block, h2 gets another").startsWith(before)
                        .contains("10.0.0.12>").doesNotContain("10.0.0.12>" + before.substring(before.indexOf('>') + 1));

                Poll.until(Duration.ofSeconds(30), "stream finished", () -> net.cmd("h1",
                        "grep -q '\"sum_received\"' /tmp/natflow-restart-ct.json").ok());
                JsonNode result = JSON.readTree(net.cmd("h1", "cat /tmp/natflow-restart-ct.json; rm -f "
                        + "/tmp/natflow-restart-ct.json").out());
                assertThat(result.has("error")).as(result.path("error").asText()).isFalse();
                for (JsonNode interval : result.get("intervals")) {
                    assertThat(interval.at("/sum/bytes").asLong()).as("every second moved data").isPositive();
                }
                net.kill("stream");
                net.kill("iperf-server");
            }
        }
    }

    /**
     * A proxy tunnel cannot outlive natflow (its two connections end in natflow's process): a stop closes it
     * cleanly and a kill -9 leaves the kernel to, the client sees the end at once rather than a hang, and the
     * restarted natflow removes the conversation flows the tunnel left before it serves new ones.
     */
    @Test
    void proxyTunnelsEndWithTheControllerAndNewOnesWorkAfterTheRestart() throws Exception {
        List<String> props = new ArrayList<>();
        MininetNetwork.properties("p2p-two-sites").forEach((k, v) -> props.add("--" + k + "=" + v));
        props.add("--natflow.data-dir=" + Files.createTempDirectory("natflow-restart-proxy-it"));
        props.add("--natflow.proxy.enabled=true");
        props.add("--natflow.intercept.enabled=true");
        props.add("--natflow.api.token=process-write-token");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/controller-restart-proxy-it.log");
        Files.deleteIfExists(log); // the intercept check below reads it
        String tool = MininetEnvironment.projectRoot().resolve("mininet/tools/proxied_gets.py").toString();
        try (ControllerProcess controller = new ControllerProcess(log, props)) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(MininetNetwork.topology("p2p-two-sites",
                    controller.openflowPort))) {
                Poll.until(Duration.ofSeconds(30), "s1 connected",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                net.spawn("pub", "web", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                        .resolve("mininet/tools/whoami_http.py") + " --bind 203.0.113.20 --port 8000");
                Poll.until(Duration.ofSeconds(10), "the web server", () -> net.cmd("pub",
                        "ss -ltn | grep -q ':8000 '").ok());
                // An interception rule for hB's own connections to pub (the proxies' outside legs are not hB's).
                assertThat(controller.send("POST", "/api/v1/intercepts", "{\"sources\":[\"10.0.0.2/32\"],"
                        + "\"destinations\":[\"203.0.113.20/32\"],\"ports\":[\"8000\"]}", "process-write-token"))
                        .startsWith("201 ");
                for (String how : new String[] {"stop", "kill -9"}) {
                    Poll.until(Duration.ofSeconds(20), "the SOCKS proxy serving", () -> net.cmd("hB",
                            "curl -s -m 5 --socks5 10.0.0.1:1080 http://203.0.113.20:8000/").out().startsWith("203."));
                    net.spawn("hB", "held", "exec /usr/bin/python3 " + tool + " --socks 10.0.0.1:1080"
                            + " --target 203.0.113.20:8000 --seconds 120 --interval 0.2");
                    Poll.until(Duration.ofSeconds(10), "the tunnel open", () -> controller
                            .get("/api/v1/proxy/tunnels").contains("\"socks5\""));
                    if (how.equals("stop")) {
                        controller.stop();
                    } else {
                        controller.kill9();
                    }
                    Poll.until(Duration.ofSeconds(10), "the client seeing its tunnel end (" + how + ")", () -> !net.cmd(
                            "hB", "pgrep -f 'proxied_gets.py --socks'").ok());
                    JsonNode held = JSON.readTree(net.kill("held").out().trim());
                    assertThat(held.get("ok").asInt()).as("answers before the " + how + ": " + held).isPositive();
                    assertThat(held.get("errors").size()).as("the end seen: " + held).isPositive();
                    controller.start();
                    Poll.until(Duration.ofSeconds(30), "s1 back", () -> controller.get("/api/v1/switches")
                            .contains(net.dpid("s1")));
                    Poll.until(Duration.ofSeconds(10), "the old tunnel's conversation flows removed", () -> !net.sh(
                            "ovs-ofctl -O OpenFlow13 dump-flows s1 table=1 | grep priority=245").out().contains("cookie"));
                }
                assertThat(net.cmd("hB", "curl -s -m 10 --socks5 10.0.0.1:1080 http://203.0.113.20:8000/").out())
                        .as("a new tunnel after the restarts").matches("203\\.0\\.113\\.10:\\d+\\s*");
                assertThat(controller.get("/api/v1/intercepts")).as("the rule kept across both restarts")
                        .contains("203.0.113.20/32");
                Poll.until(Duration.ofSeconds(20), "the splicer serving", () -> net.cmd("hB",
                        "curl -s -m 5 http://203.0.113.20:8000/").out().startsWith("203.0.113.10:"));
                Poll.until(Duration.ofSeconds(10), "the direct connection intercepted after the restarts", () -> {
                    try {
                        return Files.readString(log).contains("event=intercept-connection");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                net.kill("web");
            }
        }
    }
}
