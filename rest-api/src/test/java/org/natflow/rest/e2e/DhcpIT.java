package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * The DHCP server with real clients on {@code nat-home}: h1 runs ISC dhclient and h2 busybox udhcpc, each with
 * its address taken away first; they get an address, the router and the options from natflow and reach srv1
 * through the NAT. Leases are listed, a reservation gives h2 its address, a released address is free again, an
 * address someone answers ARP for is skipped.
 */
// The probe's counter is part of what is tested: metrics export is off in tests unless asked.
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.dhcp.enabled=true",
        "natflow.dhcp.ranges=10.0.0.100-10.0.0.110", "natflow.dhcp.lease-time=10m",
        "natflow.dhcp.dns-servers=198.51.100.53", "natflow.dhcp.domain=home.example",
        "natflow.dhcp.probe-timeout=300ms"})
class DhcpIT extends NatHomeIT {

    private static final String SCRIPT = DhcpClientLease.SCRIPT;

    @Override
    void afterStart() {
        net.spawn("srv1", "web", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                .resolve("mininet/tools/whoami_http.py") + " --bind 203.0.113.100 --port 8000");
        Poll.until(Duration.ofSeconds(10), "web on srv1", () -> net.cmd("srv1", "ss -ltn | grep -q ':8000 '").ok());
        for (String h : new String[] {"h1", "h2"}) {
            net.cmd(h, "ip addr flush dev " + h + "-eth0; rm -f " + DhcpClientLease.file(h));
        }
        net.cmd("h1", "rm -f /tmp/natflow-dhclient.leases"); // a lease of an earlier run would make it reboot
    }

    private MininetNetwork.Result dhclient(String args) {
        net.cmd("h1", "printf 'send host-name \"h1\";\\n' > /tmp/natflow-dhclient.conf");
        return net.cmd("h1", "timeout 30 dhclient -v -1 -sf " + SCRIPT + " -cf /tmp/natflow-dhclient.conf"
                + " -lf /tmp/natflow-dhclient.leases -pf /tmp/natflow-dhclient.pid " + args + " h1-eth0 2>&1",
                Duration.ofSeconds(40));
    }

    private Map<String, String> env(String host) {
        return DhcpClientLease.read(net, host);
    }

    @Test
    void dhclientAndUdhcpcGetAddressesAndReachTheInternetThroughTheNat() {
        // Someone already uses 10.0.0.100 (not from natflow): the probe finds it, and it is not offered.
        net.cmd("h2", "ip addr add 10.0.0.100/24 dev h2-eth0");
        MininetNetwork.Result r = dhclient("");
        Map<String, String> got = env("h1");
        assertThat(got.get("event")).as(r.out()).isEqualTo("BOUND");
        assertThat(got.get("address")).as("in the range, not the address in use").matches("10\\.0\\.0\\.1(0[1-9]|10)");
        assertThat(got.get("router")).isEqualTo("10.0.0.1");
        assertThat(got.get("mask")).isEqualTo("255.255.255.0");
        assertThat(got.get("dns")).isEqualTo("198.51.100.53");
        assertThat(got.get("domain")).isEqualTo("home.example");
        assertThat(net.cmd("h1", "curl -s -m 10 http://203.0.113.100:8000/", Duration.ofSeconds(20)).out().trim())
                .as("through the NAT from the leased address").matches("203\\.0\\.113\\.1[0-3]:\\d+");
        JsonNode leases = rest.getForObject("/api/v1/dhcp/leases", JsonNode.class);
        String h1Mac = net.cmd("h1", "cat /sys/class/net/h1-eth0/address").out().trim();
        assertThat(leases.toString()).contains(h1Mac).contains("\"hostname\":\"h1\"").contains(got.get("address"))
                .contains("\"state\":\"bound\"");
        assertThat(metric("natflow_dhcp_probed_in_use_total")).as("the probe answered").isGreaterThanOrEqualTo(1);

        // h2 with a reservation: it always gets 10.0.0.50, outside the range.
        net.cmd("h2", "ip addr flush dev h2-eth0");
        String h2Mac = net.cmd("h2", "cat /sys/class/net/h2-eth0/address").out().trim();
        ResponseEntity<JsonNode> res = RestClient.write(rest, HttpMethod.POST, "/api/v1/dhcp/reservations",
                "{\"mac\":\"" + h2Mac + "\",\"address\":\"10.0.0.50\",\"hostname\":\"printer\"}");
        assertThat(res.getStatusCode().value()).as(String.valueOf(res.getBody())).isEqualTo(201);
        MininetNetwork.Result u = net.cmd("h2", "timeout 30 udhcpc -i h2-eth0 -n -q -f -t 5 -s " + SCRIPT
                + " -x hostname:h2 2>&1", Duration.ofSeconds(40));
        assertThat(env("h2").get("address")).as(u.out()).isEqualTo("10.0.0.50");
        assertThat(net.cmd("h2", "curl -s -m 10 http://203.0.113.100:8000/", Duration.ofSeconds(20)).out().trim())
                .matches("203\\.0\\.113\\.1[0-3]:\\d+");
        assertThat(RestClient.write(rest, HttpMethod.POST, "/api/v1/dhcp/reservations",
                "{\"mac\":\"02:00:00:00:00:77\",\"address\":\"10.0.0.50\"}").getStatusCode().value())
                .as("the address is taken").isEqualTo(409);
        assertThat(RestClient.write(rest, HttpMethod.POST, "/api/v1/dhcp/reservations",
                "{\"mac\":\"not-a-mac\",\"address\":\"10.0.0.51\"}").getBody().toString()).contains("mac");

        // h1 releases: its address leaves the list.
        dhclient("-r");
        Poll.until(Duration.ofSeconds(10), "the release", () -> !rest.getForObject("/api/v1/dhcp/leases",
                String.class).contains(h1Mac));
        net.cmd("h1", "kill $(cat /tmp/natflow-dhclient.pid 2>/dev/null) 2>/dev/null; true");
    }
}
