package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * Peer to peer across two NATs: hA behind a Linux NAT (site 1), hB behind natflow (site 2). A forward on
 * site 2 lets hA open a direct TCP connection to hB, and hB sees site 1's public address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class TwoSiteP2pIT extends TwoSitesIT {

    @Test
    void directTcpAcrossTwoNatsThroughAForward() {
        ResponseEntity<JsonNode> fwd = RestClient.write(rest, HttpMethod.POST, "/api/v1/port-forwards",
                "{\"protocol\":\"tcp\",\"publicPort\":2222,\"insideAddress\":\"10.0.0.2\",\"insidePort\":22222,"
                        + "\"description\":\"peer B\"}");
        assertThat(fwd.getStatusCode().value()).isEqualTo(201);
        net.spawn("hB", "peer", "exec python3 -c \"import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,"
                + " socket.SO_REUSEADDR, 1); s.bind(('0.0.0.0', 22222)); s.listen(1); c, a = s.accept();"
                + " print(a[0], c.recv(100).decode(), flush=True); c.sendall(b'hello A, this is B'); c.close()\"");
        Poll.until(Duration.ofSeconds(10), "peer B listening", () -> net.cmd("hB", "ss -ltn | grep -q ':22222 '").ok());
        Poll.until(Duration.ofSeconds(5), "forward installed", () -> net
                .sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1 | grep priority=230").out().contains("tp_dst=2222"));
        MininetNetwork.Result a = net.cmd("hA", "echo hello-B | nc -w 5 203.0.113.10 2222");
        assertThat(a.out()).as(a.out() + net.cmd("nat1", "iptables -t nat -L -n -v").out())
                .contains("hello A, this is B");
        String seenByB = net.kill("peer").out().trim();
        assertThat(seenByB).as("B sees site 1's public address").isEqualTo("203.0.113.50 hello-B");
    }
}
