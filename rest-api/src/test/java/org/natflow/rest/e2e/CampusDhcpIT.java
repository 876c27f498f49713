package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The DHCP server across the campus fabric: h1 (on edge switch e1) and h5 (on e3), their addresses taken away,
 * run busybox udhcpc; natflow answers them on their edge ports, the address from the range, the gateway as
 * router; each then reaches srv through its border's NAT, and both leases are listed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.dhcp.enabled=true",
        "natflow.dhcp.ranges=10.0.0.100-10.0.0.110", "natflow.dhcp.probe-timeout=300ms"})
class CampusDhcpIT extends CampusNetworkIT {

    private static final String SCRIPT = DhcpClientLease.SCRIPT;

    @Override
    void afterStart() {
        net.spawn("srv", "web", "exec /usr/bin/python3 " + MininetEnvironment.projectRoot()
                .resolve("mininet/tools/whoami_http.py") + " --bind 203.0.113.20 --port 8000");
        Poll.until(Duration.ofSeconds(10), "web on srv", () -> net.cmd("srv", "ss -ltn | grep -q ':8000 '").ok());
        Poll.until(Duration.ofSeconds(20), "all links discovered",
                () -> rest.getForObject("/api/v1/topology", JsonNode.class).get("links").size() == LINK_DIRECTIONS);
        for (String h : new String[] {"h1", "h5"}) {
            net.cmd(h, "ip addr flush dev " + h + "-eth0; rm -f " + DhcpClientLease.file(h));
        }
    }

    private Map<String, String> env(String host) {
        return DhcpClientLease.read(net, host);
    }

    @Test
    void hostsOnEdgeSwitchesLeaseAddressesAndReachTheOutside() {
        for (String h : new String[] {"h1", "h5"}) {
            MininetNetwork.Result u = net.cmd(h, "timeout 30 udhcpc -i " + h + "-eth0 -n -q -f -t 5 -s " + SCRIPT
                    + " -x hostname:" + h + " 2>&1", Duration.ofSeconds(40));
            Map<String, String> lease = env(h);
            assertThat(lease.get("address")).as(h + " leased an address on its edge port: " + u.out())
                    .matches("10\\.0\\.0\\.1(0[0-9]|10)");
            assertThat(lease.get("router")).as(h).isEqualTo("10.0.0.1");
            assertThat(net.cmd(h, "curl -s -m 10 http://203.0.113.20:8000/", Duration.ofSeconds(20)).out().trim())
                    .as(h + " through its border's NAT").matches("203\\.0\\.113\\.5[01]:\\d+");
        }
        String leases = rest.getForObject("/api/v1/dhcp/leases", String.class);
        for (String h : new String[] {"h1", "h5"}) {
            String mac = net.cmd(h, "cat /sys/class/net/" + h + "-eth0/address").out().trim();
            assertThat(leases).as("leases").contains(mac);
        }
    }
}
