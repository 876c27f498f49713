package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** What turnutils_natdiscovery must say about the mapping. */
    abstract String expectedMapping();

    /** What turnutils_natdiscovery must say about the filtering. */
    abstract String expectedFiltering();

    static String tool() {
        return MininetEnvironment.projectRoot().resolve("mininet/tools/tcp_self_hairpin.py").toString();
    }

    @Override
    void afterStart() {
        net.cmd("srv1", "ip addr add 203.0.113.101/24 dev srv1-eth0");
        net.spawn("srv1", "stun", "exec turnserver -n --no-cli --no-tls --no-dtls --log-file stdout --simple-log"
                + " -L 203.0.113.100 -L 203.0.113.101 --alt-listening-port 3479");
        net.spawn("srv1", "echo", "exec /usr/bin/python3 " + tool() + " --serve 9000");
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
        MininetNetwork.Result r = net.cmd("h1", "timeout 30 /usr/bin/python3 " + tool() + " --echo " + STUN + ":9000");
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
