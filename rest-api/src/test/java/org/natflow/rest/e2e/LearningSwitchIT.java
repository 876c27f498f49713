package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.natflow.controller.channel.OpenFlowServer;
import org.natflow.rest.testing.Poll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;

/** Hosts on two OpenFlow 1.3 bridges reach each other through learned flows. */
@Tag("mininet")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0"})
class LearningSwitchIT {

    @Autowired
    TestRestTemplate rest;
    @Autowired
    OpenFlowServer server;

    MininetNetwork net;

    @BeforeAll
    void startNetwork() throws Exception {
        net = MininetNetwork.start(Topologies.spec(server.boundAddress().getPort())
                .sw("s1", 0x11, "OpenFlow13").sw("s2", 0x12, "OpenFlow13")
                .host("h1", "10.0.0.1/24", "s1").host("h2", "10.0.0.2/24", "s1").host("h3", "10.0.0.3/24", "s2")
                .link("s1", "s2").build());
        Poll.until(Duration.ofSeconds(30), "both switches connected", () -> {
            String list = rest.getForObject("/api/v1/switches", String.class);
            return list.contains(net.dpid("s1")) && list.contains(net.dpid("s2"));
        });
    }

    @AfterAll
    void stopNetwork() {
        if (net != null) {
            net.close();
        }
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
