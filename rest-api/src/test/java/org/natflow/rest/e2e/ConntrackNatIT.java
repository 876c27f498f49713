package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The conntrack datapath through real Open vSwitch on the shipped {@code nat-home} network: each inside host
 * gets a port block once, and OVS's connection tracker translates its TCP and UDP connections into it without
 * the controller. srv1 runs an echo server that answers with the address and port it sees.
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.nat.datapath=conntrack",
        "natflow.nat.ports-per-host=1024", "natflow.nat.timeouts.tcp-established=8s"})
class ConntrackNatIT extends NatHomeIT {

    private static final Pattern SEEN = Pattern.compile("(203\\.0\\.113\\.1[0-3]):(\\d+)");
    /** Answers each TCP connection and UDP datagram on 9000 with "address:port" of its sender. */
    static final String ECHO = "import socket, threading\n"
            + "t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "t.bind(('', 9000)); t.listen(64)\n"
            + "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('', 9000))\n"
            + "def udp():\n"
            + "    while True:\n"
            + "        d, a = u.recvfrom(2048); u.sendto(('%s:%d' % a).encode(), a)\n"
            + "threading.Thread(target=udp, daemon=True).start()\n"
            + "while True:\n"
            + "    c, a = t.accept(); c.sendall(('%s:%d\\n' % a).encode()); c.close()\n";

    @Override
    void afterStart() {
        java.nio.file.Path script;
        try {
            script = java.nio.file.Files.createTempFile("natflow-echo", ".py");
            java.nio.file.Files.writeString(script, ECHO);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        script.toFile().deleteOnExit();
        net.spawn("srv1", "echo", "exec python3 " + script);
        Poll.until(Duration.ofSeconds(10), "echo server listening",
                () -> net.cmd("srv1", "ss -ltn | grep -q ':9000 '").ok());
    }

    private String tcp(String host) {
        return net.cmd(host, "python3 -c \"import socket; s = socket.create_connection(('203.0.113.100', 9000), 5);"
                + " print(s.recv(64).decode().strip())\"").out().trim();
    }

    private String udp(String host) {
        return net.cmd(host, "python3 -c \"import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                + " s.settimeout(3); s.sendto(b'x', ('203.0.113.100', 9000)); print(s.recv(64).decode())\"").out().trim();
    }

    private JsonNode block(String inside) {
        JsonNode blocks = rest.getForObject("/api/v1/nat/blocks?insideAddress=" + inside, JsonNode.class);
        assertThat(blocks).as("blocks of " + inside).hasSize(1);
        return blocks.get(0);
    }

    private static void assertInBlock(String seen, JsonNode block) {
        Matcher m = SEEN.matcher(seen);
        assertThat(m.matches()).as("server saw '" + seen + "'").isTrue();
        assertThat(m.group(1)).isEqualTo(block.get("publicAddress").asText());
        assertThat(Integer.parseInt(m.group(2))).isBetween(block.get("firstPort").asInt(),
                block.get("lastPort").asInt());
    }

    @Test
    void tcpAndUdpOfEachHostLeaveFromItsOwnBlockWithoutPerConnectionMappings() {
        String h1 = tcp("h1");
        String h2 = tcp("h2");
        JsonNode b1 = block("10.0.0.11");
        JsonNode b2 = block("10.0.0.12");
        assertInBlock(h1, b1);
        assertInBlock(h2, b2);
        assertInBlock(udp("h1"), b1);
        assertThat(b1.get("lastPort").asInt() - b1.get("firstPort").asInt() + 1).isEqualTo(1024);
        boolean disjoint = !b1.get("publicAddress").equals(b2.get("publicAddress"))
                || b1.get("lastPort").asInt() < b2.get("firstPort").asInt()
                || b2.get("lastPort").asInt() < b1.get("firstPort").asInt();
        assertThat(disjoint).as("blocks " + b1 + " and " + b2).isTrue();
        assertThat(rest.getForObject("/api/v1/nat/sessions", JsonNode.class)).as("no per-connection mappings")
                .isEmpty();
        assertThat(metric("natflow_nat_blocks_active")).isGreaterThanOrEqualTo(2);
        assertThat(rest.getForEntity("/api/v1/nat/blocks?insideAddress=10.0.0", String.class).getStatusCode().value())
                .as("a malformed address").isEqualTo(400);
    }

    @Test
    void laterConnectionsNeverReachTheController() {
        assertThat(tcp("h1")).matches(SEEN.pattern());
        double before = metric("natflow_nat_newflow_packetin_total");
        MininetNetwork.Result r = net.cmd("h1", "for i in $(seq 40); do python3 -c \"import socket;"
                + " s = socket.create_connection(('203.0.113.100', 9000), 5); print(s.recv(64).decode().strip())\";"
                + " done");
        assertThat(r.out().lines().filter(l -> SEEN.matcher(l).matches()).count()).as(r.out()).isEqualTo(40);
        double after = metric("natflow_nat_newflow_packetin_total");
        // The controller datapath would see 40; a stray packet the switch's flow cache still held may come up.
        assertThat(after - before).as("new-flow packet-ins for 40 connections").isLessThan(3);
    }

    @Test
    void unsolicitedInboundToABlockIsDropped() {
        assertThat(tcp("h2")).matches(SEEN.pattern());
        JsonNode b2 = block("10.0.0.12");
        net.spawn("h2", "listener", "exec nc -l -k " + b2.get("firstPort").asInt());
        String target = b2.get("publicAddress").asText() + " " + b2.get("firstPort").asInt();
        assertThat(net.cmd("srv1", "nc -z -w 2 " + target).ok()).as("connect from outside to " + target).isFalse();
        net.kill("listener");
    }

    @Test
    void anIdleHostsBlockIsReleased() {
        assertThat(udp("h1")).matches(SEEN.pattern());
        JsonNode b1 = block("10.0.0.11");
        double released = metric("natflow_nat_blocks_released_total");
        // No traffic for the block flow's idle timeout (tcp-established, 8 s here): the switch removes it.
        Poll.until(Duration.ofSeconds(40), "blocks released",
                () -> rest.getForObject("/api/v1/nat/blocks", JsonNode.class).isEmpty());
        assertThat(metric("natflow_nat_blocks_released_total")).isGreaterThan(released);
        assertThat(net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1 | grep -c 'ct(commit' || true").out().trim())
                .isEqualTo("0");
        // RFC 6888 REQ-12 for blocks: the mapping log has the block's assignment and its release, once each.
        String block = "id=" + b1.get("id").asLong() + " inside=10.0.0.11 public=" + b1.get("publicAddress").asText()
                + " ports=" + b1.get("firstPort").asInt() + "-" + b1.get("lastPort").asInt() + " ";
        Poll.until(Duration.ofSeconds(5), "the block's release in the mapping log",
                () -> mappingRecords(" event=nat-block-released " + block).size() == 1);
        assertThat(mappingRecords(" event=nat-block-assigned " + block)).hasSize(1);
        assertThat(mappingRecords(" event=nat-block-released " + block).get(0)).endsWith(" reason=idle");
        // Back with the next packet.
        assertThat(tcp("h1")).matches(SEEN.pattern());
        assertThat(rest.getForObject("/api/v1/nat/blocks", JsonNode.class)).hasSize(1);
    }
}
