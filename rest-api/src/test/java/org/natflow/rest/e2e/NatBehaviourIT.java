package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * NAT behaviour as a peer-to-peer application probes it, on the shipped {@code nat-home} network: coturn's
 * {@code turnutils_natdiscovery} (RFC 5780 behaviour discovery: mapping, filtering, hairpinning, and a mapping
 * that must outlive 150 s of silence) from inside host h1 against coturn's {@code turnserver} on srv1, which
 * listens on two public addresses and two ports; and a host reaching its own TCP mapping by hairpin. Each
 * datapath has a subclass that says what natflow must report there.
 */
abstract class NatBehaviourIT extends NatHomeIT {

    static final String STUN = "203.0.113.100";
    private static final Pattern SEEN = Pattern.compile("(203\\.0\\.113\\.1[0-3]):(\\d+)");

    /** h1's own TCP mapping, reached from h1: listens where its first socket's mapping leads, then connects. */
    private static final String TCP_SELF = "import socket, sys, time\n"
            + "def sock():\n"
            + "    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1); s.settimeout(10); return s\n"
            + "lst = sock(); lst.bind(('', 45000)); lst.listen(4)\n"
            + "a = sock(); a.bind(('', 45000)); a.connect(('" + STUN + "', 9000))\n"
            + "mine = a.recv(64).decode().strip(); print('mapped', mine, flush=True)\n"
            + "addr, port = mine.split(':')\n"
            + "b = sock(); b.bind(('', 45001)); b.connect((addr, int(port)))\n"
            + "c, peer = lst.accept(); c.sendall(b'hello'); print('peer %s:%d' % peer, flush=True)\n"
            + "print('got', b.recv(5).decode(), flush=True)\n"
            + "e = sock(); e.bind(('', 45001)); e.connect(('" + STUN + "', 9000))\n"
            + "print('second', e.recv(64).decode().strip(), flush=True)\n";

    /** Answers each TCP connection on 9000 with the "address:port" it comes from. */
    private static final String ECHO = "import socket\n"
            + "t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
            + "t.bind(('', 9000)); t.listen(64)\n"
            + "while True:\n"
            + "    c, a = t.accept(); c.sendall(('%s:%d\\n' % a).encode()); c.close()\n";

    /** What turnutils_natdiscovery must say about the mapping. */
    abstract String expectedMapping();

    /** What turnutils_natdiscovery must say about the filtering. */
    abstract String expectedFiltering();

    private static Path script(String name, String body) {
        try {
            Path p = Files.createTempFile(name, ".py");
            Files.writeString(p, body);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    void afterStart() {
        net.cmd("srv1", "ip addr add 203.0.113.101/24 dev srv1-eth0");
        net.spawn("srv1", "stun", "exec turnserver -n --no-cli --no-tls --no-dtls --log-file stdout --simple-log"
                + " -L 203.0.113.100 -L 203.0.113.101 --alt-listening-port 3479");
        net.spawn("srv1", "echo", "exec python3 " + script("natflow-echo", ECHO));
        Poll.until(Duration.ofSeconds(15), "STUN server on both addresses and ports, echo server", () -> {
            String udp = net.cmd("srv1", "ss -Hlun").out();
            return udp.contains("203.0.113.100:3478") && udp.contains("203.0.113.101:3479")
                    && net.cmd("srv1", "ss -ltn | grep -q ':9000 '").ok();
        });
    }

    /** The lines of one "-= ... =-" section of natdiscovery's report. */
    private static String section(String report, String title) {
        int at = report.indexOf("-= " + title);
        if (at < 0) {
            return "";
        }
        int next = report.indexOf("-= ", at + 3);
        return next < 0 ? report.substring(at) : report.substring(at, next);
    }

    @Test
    void rfc5780BehaviourDiscoveryReportsWhatThisDatapathPromises() {
        MininetNetwork.Result r = net.cmd("h1", "turnutils_natdiscovery -m -f -H -t -T 150 " + STUN,
                Duration.ofSeconds(240));
        String report = r.out();
        assertThat(section(report, "Mapping Behavior")).as(report).contains(expectedMapping());
        assertThat(section(report, "Filtering Behavior")).as(report).contains(expectedFiltering());
        assertThat(section(report, "Hairpinning Behavior")).as("the host reaches its own mapping\n" + report)
                .contains("Received a request");
        // The lifetime test binds, stays silent 150 s, then asks the server to answer that first binding from
        // another socket: response 2 arrives only if the mapping outlived the silence.
        String lifetime = section(report, "Mapping Lifetime");
        assertThat(lifetime.split("RFC 5780 response", -1)).as("the mapping outlives 150 s of silence\n" + report)
                .hasSize(3);
        assertThat(lifetime).as(report).doesNotContain("timeout");
    }

    @Test
    void aHostReachesItsOwnTcpMappingAndSeesItsPublicEndpoint() {
        MininetNetwork.Result r = net.cmd("h1", "timeout 30 python3 " + script("natflow-tcp-self", TCP_SELF));
        String out = r.out();
        Matcher mapped = Pattern.compile("mapped " + SEEN.pattern()).matcher(out);
        Matcher peer = Pattern.compile("peer " + SEEN.pattern()).matcher(out);
        Matcher second = Pattern.compile("second " + SEEN.pattern()).matcher(out);
        assertThat(mapped.find()).as(out).isTrue();
        assertThat(out).as("the connection to the host's own public endpoint came through").contains("got hello");
        assertThat(peer.find()).as("the listener sees a public source, never an inside one\n" + out).isTrue();
        assertThat(peer.group(1)).as("paired pooling: the host's one public address").isEqualTo(mapped.group(1));
        assertThat(second.find()).as(out).isTrue();
        assertThat(peer.group(2)).as("the source port is the connecting socket's own public port, the one the"
                + " outside sees for it\n" + out).isEqualTo(second.group(2));
    }
}
