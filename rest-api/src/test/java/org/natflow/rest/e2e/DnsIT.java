package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The DNS forwarder with real clients on {@code p2p-two-sites}: hB leases its address from natflow's DHCP server
 * (ISC dhclient, which is told the gateway is its DNS server) and asks the gateway with dig; pub runs dnsmasq as
 * the ISP's resolver. Names from the resolver, a DHCP client's own name and its PTR, TCP, a malformed query, and
 * nothing for the public side.
 */
// Closed after the class: its forwarder listens on the link address, which a later test's natflow needs.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.dhcp.enabled=true",
        "natflow.dhcp.ranges=10.0.0.100-10.0.0.110", "natflow.dhcp.domain=home.example",
        "natflow.dhcp.probe-timeout=0", "natflow.dns.enabled=true", "natflow.dns.upstreams=203.0.113.20"})
class DnsIT extends TwoSitesIT {

    /** 24 TXT records of 250 bytes: over 6 KB, more than the 4 096 bytes natflow asks upstreams for over UDP. */
    private static final String HUGE = java.util.stream.IntStream.range(0, 24).mapToObj(i -> " --txt-record=huge.example,"
            + String.format("%02d", i) + "h".repeat(248)).collect(java.util.stream.Collectors.joining());

    private static final String SCRIPT = MininetEnvironment.projectRoot().resolve("mininet/tools/dhcp_client_script.sh")
            .toString();

    @Override
    void afterStart() {
        net.spawn("pub", "dns", "exec dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces"
                + " --listen-address=203.0.113.20 --pid-file= --local=/example/ --address=/web.example/203.0.113.20"
                + " --txt-record=big.example," + "x".repeat(200) + " --txt-record=big.example," + "y".repeat(200)
                + " --txt-record=big.example," + "z".repeat(200) + HUGE);
        Poll.until(Duration.ofSeconds(10), "dnsmasq on pub", () -> net.cmd("pub", "ss -lun | grep -q ':53 '").ok());
        Poll.until(Duration.ofSeconds(15), "the forwarder on the link", () -> net.sh(
                "ss -lun | grep -qE '169.254.100.1]?:53 '").ok());
        net.cmd("hB", "ip addr flush dev hB-eth0; rm -f /tmp/natflow-dhcp-hB-eth0.env /tmp/natflow-dhclient-hB.leases;"
                + " printf 'send host-name \"hb\";\\n' > /tmp/natflow-dhclient-hB.conf");
    }

    private String dig(String host, String args) {
        return net.cmd(host, "dig +time=3 +tries=1 " + args, Duration.ofSeconds(20)).out().trim();
    }

    @Test
    void insideHostsResolveThroughTheGatewayAndThePublicSideGetsNothing() {
        MininetNetwork.Result r = net.cmd("hB", "timeout 30 dhclient -v -1 -sf " + SCRIPT + " -cf /tmp/natflow-dhclient-hB.conf"
                + " -lf /tmp/natflow-dhclient-hB.leases -pf /tmp/natflow-dhclient-hB.pid hB-eth0 2>&1",
                Duration.ofSeconds(40));
        String env = net.cmd("hB", "cat /tmp/natflow-dhcp-hB-eth0.env").out();
        assertThat(env).as(r.out()).contains("dns=10.0.0.1");
        String address = env.lines().filter(l -> l.startsWith("address=")).findFirst().orElse("=").split("=")[1];

        assertThat(dig("hB", "+short @10.0.0.1 web.example")).as("from the upstream").isEqualTo("203.0.113.20");
        assertThat(dig("hB", "+short @10.0.0.1 web.example")).as("again, from the cache").isEqualTo("203.0.113.20");
        assertThat(dig("hB", "+short @10.0.0.1 hb.home.example")).as("a DHCP client's own name").isEqualTo(address);
        assertThat(dig("hB", "+short @10.0.0.1 -x " + address)).as("and its PTR").isEqualTo("hb.home.example.");
        assertThat(dig("hB", "+tcp +short @10.0.0.1 web.example")).as("over TCP").isEqualTo("203.0.113.20");
        assertThat(dig("hB", "@10.0.0.1 nothing.example")).as("a name that is not there").contains("NXDOMAIN");
        String big = dig("hB", "+noedns +ignore @10.0.0.1 big.example TXT");
        assertThat(big).as("larger than 512 bytes over UDP: truncated").contains(" tc");
        assertThat(dig("hB", "+noedns @10.0.0.1 big.example TXT")).as("dig retries over TCP and gets it all")
                .contains("xxxxxxxx").contains("zzzzzzzz");
        String huge = dig("hB", "+tcp @10.0.0.1 huge.example TXT");
        assertThat(huge.lines().filter(l -> l.contains("hhhhhhhh")).count())
                .as("an answer the upstream truncates even at 4 096 bytes comes whole, asked again over TCP: " + huge)
                .isEqualTo(24);
        assertThat(dig("hB", "+noedns @10.0.0.1 huge.example TXT").lines().filter(l -> l.contains("hhhhhhhh")).count())
                .as("over UDP truncated, then from the cache over TCP").isEqualTo(24);
        String formerr = net.cmd("hB", "python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                + " s.settimeout(3); s.sendto(bytes([0x12,0x34,1,0,0,1,0,0,0,0,0,0,0xff,0xff]), ('10.0.0.1', 53));"
                + " d=s.recv(512); print(d[0], d[1], d[3] & 15)\"", Duration.ofSeconds(10)).out().trim();
        assertThat(formerr).as("a malformed query answered FORMERR with its id").isEqualTo("18 52 1");
        assertThat(dig("pub", "@203.0.113.10 web.example")).as("no resolver for the public side")
                .containsAnyOf("timed out", "no servers could be reached");
        net.cmd("hB", "kill $(cat /tmp/natflow-dhclient-hB.pid 2>/dev/null) 2>/dev/null; true");
    }

    @Test
    void staticRecordsAreAnsweredFirstAndCheckedByField() {
        org.springframework.http.ResponseEntity<com.fasterxml.jackson.databind.JsonNode> created = RestClient.write(rest,
                org.springframework.http.HttpMethod.POST, "/api/v1/dns/records",
                "{\"name\":\"Printer.Lan\",\"type\":\"A\",\"value\":\"10.0.0.77\",\"ttl\":120}");
        assertThat(created.getStatusCode().value()).as(String.valueOf(created.getBody())).isEqualTo(201);
        net.cmd("hB", "ip addr add 10.0.0.2/24 dev hB-eth0 2>/dev/null; true");
        assertThat(dig("hB", "+short @10.0.0.1 printer.lan")).isEqualTo("10.0.0.77");
        assertThat(RestClient.write(rest, org.springframework.http.HttpMethod.POST, "/api/v1/dns/records",
                "{\"name\":\"printer.lan\",\"type\":\"CNAME\",\"value\":\"web.example\"}").getStatusCode()
                .value()).as("a CNAME beside an A").isEqualTo(409);
        assertThat(RestClient.write(rest, org.springframework.http.HttpMethod.POST, "/api/v1/dns/records",
                "{\"name\":\"bad name\",\"value\":\"10.0.0.1\"}").getBody().toString()).contains("name");
        assertThat(RestClient.write(rest, org.springframework.http.HttpMethod.POST, "/api/v1/dns/records",
                "{\"name\":\"x.lan\",\"value\":\"999.0.0.1\"}").getBody().toString()).contains("value");
        long id = created.getBody().get("id").asLong();
        assertThat(RestClient.write(rest, org.springframework.http.HttpMethod.DELETE, "/api/v1/dns/records/" + id, null)
                .getStatusCode().value()).isEqualTo(204);
        assertThat(dig("hB", "+short @10.0.0.1 printer.lan")).as("gone with its record").doesNotContain("10.0.0.77");
    }
}
