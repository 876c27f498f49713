package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.NaptService;
import org.natflow.rest.testing.Poll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * One inside host floods new flows; the gateway meters it in the switch and other hosts still get through. One
 * host sends from hundreds of spoofed inside addresses; the switch gets no more meters than the bound.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0", "natflow.nat.new-flow-rate=50",
        "natflow.nat.ports-per-host=60000", "natflow.nat.max-hosts=20"})
class NewFlowFloodIT extends NatHomeIT {

    @Override
    void afterStart() {
        net.spawn("srv1", "web", "cd / && exec python3 -m http.server 8000");
        Poll.until(Duration.ofSeconds(10), "web", () -> net.cmd("srv1", "ss -ltn | grep -q ':8000 '").ok());
    }

    @Test
    void floodingHostIsMeteredAndOthersStillGetMappings() {
        long before = meterDrops();
        // h1 sends datagrams from new source ports, as fast as it can, for 30 s (or until killed).
        net.spawn("h1", "flood", "exec python3 -c \"import socket, time\nend = time.time() + 30\n"
                + "while time.time() < end:\n    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "    s.sendto(b'x', ('203.0.113.100', 9)); s.close()\"");
        try {
            // h1 may hold a meter from an earlier test: wait for the flood itself to reach it.
            Poll.until(Duration.ofSeconds(15), "the meters dropping h1's flood", () -> meterDrops() > before);
            for (int i = 0; i < 5; i++) {
                MininetNetwork.Result r = net.cmd("h2", "curl -s -m 3 -o /dev/null -w '%{http_code}' http://203.0.113.100:8000/");
                assertThat(r.out()).as("h2's connection %d during the flood", i).isEqualTo("200");
            }
            String punts = net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1 | grep priority=61").out();
            assertThat(punts).as("h1's metered punt flow").contains("nw_src=10.0.0.11");
        } finally {
            net.kill("flood");
        }
    }

    /** Packets the switch's meters have dropped so far, over all meters. */
    private long meterDrops() {
        long dropped = 0;
        Matcher m = Pattern.compile("0: packet_count:(\\d+)").matcher(net.sh("ovs-ofctl -O OpenFlow13 meter-stats s1").out());
        while (m.find()) {
            dropped += Long.parseLong(m.group(1));
        }
        return dropped;
    }

    @Autowired
    NaptService napt;

    @Test
    void spoofedInsideSourcesGetNoMoreMetersThanTheBound() {
        for (String host : new String[] {"h1", "h2"}) {
            MininetNetwork.Result before = net.cmd(host, "curl -s -m 3 -o /dev/null -w '%{http_code}'"
                    + " http://203.0.113.100:8000/");
            assertThat(before.out()).as(host + " before the flood").isEqualTo("200");
        }
        String send = "from scapy.all import Ether, IP, UDP, sendp; sendp([Ether(dst='02:6e:66:00:00:01')"
                + " / IP(src='10.0.0.%d' % i, dst='203.0.113.100') / UDP(sport=1111, dport=9) / b'x'"
                + " for i in range(20, 250)], iface='h1-eth0', verbose=False)";
        MininetNetwork.Result sent = net.cmd("h1", "/usr/bin/python3 -c \"" + send + "\"");
        assertThat(sent.ok()).as(sent.out()).isTrue();
        Poll.until(Duration.ofSeconds(10), "the spoofed sources past the bound counted",
                () -> napt.metrics().hostsUntracked.sum() > 0);
        String meters = net.sh("ovs-ofctl -O OpenFlow13 dump-meters s1").out();
        assertThat(Pattern.compile("meter=\\d+").matcher(meters).results().count())
                .as("230 spoofed sources, at most max-hosts meters: " + meters).isBetween(1L, 20L);
        String punts = net.sh("ovs-ofctl -O OpenFlow13 dump-flows s1 table=1 | grep priority=61").out();
        assertThat(punts.lines().count()).as("and as many per-host punt flows").isLessThanOrEqualTo(20);
        assertThat(napt.trackedHosts()).isLessThanOrEqualTo(20);
        MininetNetwork.Result after = net.cmd("h2", "curl -s -m 3 -o /dev/null -w '%{http_code}' http://203.0.113.100:8000/");
        assertThat(after.out()).as("h2, a tracked host, after the flood").isEqualTo("200");
    }
}
