package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;

/** Address-dependent filtering (RFC 4787 REQ-8 option): only addresses the inside endpoint sent to get in. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
        "natflow.nat.filtering=address-dependent"})
class NaptFilteringIT extends NatHomeIT {

    private static String sender(int fromPort, String to, int toPort, String payload) {
        return "python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                + " s.bind(('0.0.0.0', " + fromPort + ")); s.sendto(b'" + payload + "', ('" + to + "', " + toPort
                + "))\"";
    }

    @Test
    void onlyAddressesTheInsideEndpointSentToGetIn() {
        // h1 sends once to srv1, then prints everything that reaches its port for a few seconds.
        net.spawn("h1", "listen", "exec python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
                + " s.bind(('0.0.0.0', 48000)); s.settimeout(6); s.sendto(b'hello', ('203.0.113.100', 5353))\n"
                + "while True:\n    d, a = s.recvfrom(100); print(a[0], a[1], d.decode(), flush=True)\""
                + " > /tmp/natflow-filter-rx.txt");
        Poll.until(Duration.ofSeconds(10), "h1 mapping", () -> publicEndpoint() != null);
        String[] pub = publicEndpoint().split(":");
        // The refused sender goes first: by the time srv1's last datagram is in, it would have been too.
        net.cmd("srv2", sender(5353, pub[0], Integer.parseInt(pub[1]), "other-address"));
        net.cmd("srv1", sender(5353, pub[0], Integer.parseInt(pub[1]), "same-address-same-port"));
        net.cmd("srv1", sender(5354, pub[0], Integer.parseInt(pub[1]), "same-address-other-port"));
        Poll.until(Duration.ofSeconds(10), "srv1's datagrams in",
                () -> net.cmd("h1", "cat /tmp/natflow-filter-rx.txt").out().contains("same-address-other-port"));
        net.kill("listen");
        String received = net.cmd("h1", "cat /tmp/natflow-filter-rx.txt; rm -f /tmp/natflow-filter-rx.txt").out();
        assertThat(received).contains("203.0.113.100 5353 same-address-same-port")
                .contains("203.0.113.100 5354 same-address-other-port")
                .doesNotContain("other-address");
        String flows = net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1").out();
        assertThat(flows).as("inbound flow admits only srv1").contains("nw_src=203.0.113.100,nw_dst=" + pub[0]);
    }

    private String publicEndpoint() {
        for (JsonNode s : rest.getForObject("/api/v1/nat/sessions?insideAddress=10.0.0.11&protocol=udp",
                JsonNode.class)) {
            if (s.get("insidePort").asInt() == 48000) {
                return s.get("publicAddress").asText() + ":" + s.get("publicPort").asInt();
            }
        }
        return null;
    }
}
