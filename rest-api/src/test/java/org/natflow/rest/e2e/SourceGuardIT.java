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
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * The DHCP server's source guard on {@code nat-home}: through the gateway, only a MAC and address natflow
 * leased or reserved get out. h1 keeps a static address it was never given and is dropped in the switch; h2
 * leases one with udhcpc and gets through, but not from a second address it gives itself; a reservation for
 * h1's MAC and address lets h1 through, and deleting it stops h1 again.
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.dhcp.enabled=true",
        "natflow.dhcp.ranges=10.0.0.100-10.0.0.110", "natflow.dhcp.source-guard=true",
        "natflow.dhcp.probe-timeout=100ms"})
class SourceGuardIT extends NatHomeIT {

    private static final String SCRIPT = MininetEnvironment.projectRoot().resolve("mininet/tools/dhcp_client_script.sh")
            .toString();
    private static final String SEEN = "203\\.0\\.113\\.1[0-3]:\\d+";

    @Override
    void afterStart() {
        net.spawn("srv1", "web", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                .resolve("mininet/tools/whoami_http.py") + " --bind 203.0.113.100 --port 8000");
        Poll.until(Duration.ofSeconds(10), "web on srv1", () -> net.cmd("srv1", "ss -ltn | grep -q ':8000 '").ok());
        net.cmd("h2", "ip addr flush dev h2-eth0; rm -f /tmp/natflow-dhcp-h2-eth0.env");
    }

    private String get(String host, String extra) {
        return net.cmd(host, "curl -s -m 3 " + extra + " http://203.0.113.100:8000/", Duration.ofSeconds(10)).out()
                .trim();
    }

    private long dropped() {
        Matcher m = Pattern.compile("n_packets=(\\d+)").matcher(net.sh(
                "ovs-ofctl -O OpenFlow13 dump-flows s1 table=0 | grep 'priority=3000,'").out());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void onlyLeasedOrReservedAddressesGetThroughTheGateway() {
        Poll.until(Duration.ofSeconds(10), "the guard's drop on the switch", () -> dropped() >= 0);
        long before = dropped();
        assertThat(get("h1", "")).as("h1's static address was never leased").isEmpty();
        assertThat(dropped()).as("dropped in the switch").isGreaterThan(before);

        MininetNetwork.Result u = net.cmd("h2", "timeout 30 udhcpc -i h2-eth0 -n -q -f -t 5 -s " + SCRIPT + " 2>&1",
                Duration.ofSeconds(40));
        String leased = net.cmd("h2", "sed -n 's/^address=//p' /tmp/natflow-dhcp-h2-eth0.env").out().trim();
        assertThat(leased).as(u.out()).matches("10\\.0\\.0\\.1(0\\d|10)");
        Poll.until(Duration.ofSeconds(10), "h2 through the NAT from its lease", () -> get("h2", "").matches(SEEN));
        net.cmd("h2", "ip addr add 10.0.0.99/24 dev h2-eth0");
        assertThat(get("h2", "--interface 10.0.0.99")).as("an address h2 gave itself").isEmpty();

        String h1Mac = net.cmd("h1", "cat /sys/class/net/h1-eth0/address").out().trim();
        ResponseEntity<JsonNode> res = RestClient.write(rest, HttpMethod.POST, "/api/v1/dhcp/reservations",
                "{\"mac\":\"" + h1Mac + "\",\"address\":\"10.0.0.11\",\"hostname\":\"server\"}");
        assertThat(res.getStatusCode().value()).as(String.valueOf(res.getBody())).isEqualTo(201);
        Poll.until(Duration.ofSeconds(10), "h1 through once reserved", () -> get("h1", "").matches(SEEN));
        assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/dhcp/reservations/"
                + res.getBody().get("id").asLong(), null).getStatusCode().value()).isEqualTo(204);
        Poll.until(Duration.ofSeconds(10), "h1 stopped again", () -> get("h1", "").isEmpty());
        net.cmd("h2", "ip addr del 10.0.0.99/24 dev h2-eth0");
    }
}
