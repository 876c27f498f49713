package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;

/** Hosts on two OpenFlow 1.3 bridges reach each other through learned flows. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class LearningSwitchIT extends MininetIT {

    @Override
    Map<String, Object> topology(int controllerPort) throws Exception {
        return Topologies.spec(controllerPort)
                .sw("s1", 0x11, "OpenFlow13").sw("s2", 0x12, "OpenFlow13")
                .host("h1", "10.0.0.1/24", "s1").host("h2", "10.0.0.2/24", "s1").host("h3", "10.0.0.3/24", "s2")
                .link("s1", "s2").build();
    }

    @Override
    String[] awaitSwitches() {
        return new String[] {"s1", "s2"};
    }

    @Test
    void pingAcrossTwoSwitches() {
        MininetNetwork.Result ping = net.cmd("h1", "ping -c 3 -W 2 10.0.0.3");
        assertThat(ping.ok()).as(ping.out()).isTrue();
        assertThat(ping.out()).contains("3 received");
    }

    @Test
    void tcpTransferUsesInstalledFlows() {
        net.spawn("h2", "srv", "nc -l 5001 > /tmp/natflow-l2-rx.txt");
        Poll.until(Duration.ofSeconds(10), "server listening",
                () -> net.cmd("h2", "ss -ltn | grep -q ':5001 '").ok());
        MininetNetwork.Result send = net.cmd("h1", "echo hello-through-flows | nc -N -w 5 10.0.0.2 5001");
        assertThat(send.ok()).as(send.out()).isTrue();
        Poll.until(Duration.ofSeconds(10), "data received",
                () -> net.cmd("h2", "cat /tmp/natflow-l2-rx.txt").out().contains("hello-through-flows"));
        net.kill("srv");
        String flows = net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1").out();
        assertThat(flows).as("learned flows carry the L2 app cookie").contains("cookie=0x2000000000000");
        assertThat(flows).containsPattern("n_packets=[1-9].*dl_src=.*dl_dst=");
    }
}
