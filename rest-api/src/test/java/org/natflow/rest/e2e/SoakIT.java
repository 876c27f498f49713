package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.NaptService;
import org.natflow.rest.testing.Poll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Churn: two inside hosts open short TCP connections and UDP flows from fresh ports for a while
 * ({@code -Dnatflow.soak.seconds}, default 120); once traffic stops and the short timeouts pass, every
 * mapping, port, flow and piece of per-mapping state is gone.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.nat.timeouts.udp=3s",
        "natflow.nat.timeouts.tcp-transitory=3s", "natflow.nat.ports-per-host=60000", "natflow.nat.quarantine=1s"})
class SoakIT extends NatHomeIT {

    @Autowired
    NaptService napt;

    @Override
    void afterStart() {
        net.spawn("srv1", "web", "cd / && exec python3 -m http.server 8000");
        net.spawn("srv2", "udp", "exec python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                + " s.bind(('0.0.0.0', 5353))\nwhile True:\n    d, a = s.recvfrom(100); s.sendto(d, a)\"");
        Poll.until(Duration.ofSeconds(10), "servers", () -> net.cmd("srv1", "ss -ltn | grep -q ':8000 '").ok()
                && net.cmd("srv2", "ss -lun | grep -q ':5353 '").ok());
    }

    @Test
    void mappingsChurnAndEverythingReturnsToZero() {
        int seconds = Integer.getInteger("natflow.soak.seconds", 120);
        net.cmd(null, "rm -f /tmp/natflow-soak-*.done");
        for (String h : new String[] {"h1", "h2"}) {
            net.spawn(h, "churn-" + h, "end=$((SECONDS+" + seconds + ")); n=0; while [ $SECONDS -lt $end ]; do "
                    + "curl -s -m 2 -o /dev/null http://203.0.113.100:8000/; "
                    + "echo x | nc -u -w 0 198.51.100.10 5353; n=$((n+1)); done; echo rounds=$n > /tmp/natflow-soak-"
                    + h + ".done");
        }
        Poll.until(Duration.ofSeconds(seconds + 30L), "churn finished",
                () -> net.sh("ls /tmp/natflow-soak-h1.done /tmp/natflow-soak-h2.done").ok());
        String rounds = net.sh("cat /tmp/natflow-soak-*.done; rm -f /tmp/natflow-soak-*.done").out();
        net.kill("churn-h1");
        net.kill("churn-h2");
        long created = Long.parseLong(rest.getForObject("/actuator/metrics/natflow.nat.mappings.new",
                JsonNode.class).at("/measurements/0/value").asText().replace(".0", ""));
        assertThat(created).as("mappings made during the soak (" + rounds.trim() + ")").isGreaterThan(100);

        Poll.until(Duration.ofSeconds(30), "all mappings expired",
                () -> rest.getForObject("/api/v1/nat/sessions", JsonNode.class).isEmpty());
        for (JsonNode p : rest.getForObject("/api/v1/nat/pool", JsonNode.class)) {
            assertThat(p.get("inUse").asInt()).as(p.toString()).isZero();
        }
        Poll.until(Duration.ofSeconds(10), "mapping flows gone from the switch", () -> !net
                .sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1").out().contains("priority=200"));
        assertThat(napt.mappingStateSizes()).allSatisfy((k, v) -> assertThat(v).as(k).isZero());
        assertThat(rest.getForObject("/actuator/metrics/natflow.nat.mappings.deleted", JsonNode.class)
                .at("/measurements/0/value").asDouble()).isEqualTo((double) created);
    }
}
