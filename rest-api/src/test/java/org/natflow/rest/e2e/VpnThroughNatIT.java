package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;

/**
 * VPNs pass through natflow's NAT (issue 21, part 2), on both datapaths, on the shipped {@code nat-home}
 * network: inside host h1 runs a WireGuard client (Debian's wireguard-go) to srv2, behind the upstream router,
 * and an OpenVPN client (UDP, static key) to srv1. Both tunnels come up, the servers see a pool address as
 * the outer source, and both carry traffic again after natflow is killed with SIGKILL and started again and
 * after 20 s of silence (well within the UDP timeout: no keepalives are configured).
 */
@Tag("mininet")
class VpnThroughNatIT {

    private static final String POOL = "203\\.0\\.113\\.1[0-3]";

    private static List<String> props(String name, String... extra) throws java.io.IOException {
        List<String> props = new ArrayList<>();
        MininetNetwork.properties("nat-home").forEach((k, v) -> props.add("--" + k + "=" + v));
        props.add("--natflow.data-dir=" + Files.createTempDirectory(name));
        props.addAll(List.of(extra));
        return props;
    }

    private static void tunnelsCarry(MininetNetwork net, String when) {
        Poll.until(Duration.ofSeconds(20), "WireGuard carries traffic " + when,
                () -> net.cmd("h1", "ping -c 1 -W 1 10.9.0.1").ok());
        Poll.until(Duration.ofSeconds(20), "OpenVPN carries traffic " + when,
                () -> net.cmd("h1", "ping -c 1 -W 1 10.8.0.1").ok());
    }

    private static void run(String name, String... extra) throws Exception {
        Path keys = Files.createTempDirectory("natflow-vpn-keys");
        Path log = MininetEnvironment.projectRoot().resolve("rest-api/target/" + name + ".log");
        try (ControllerProcess controller = new ControllerProcess(log, props(name, extra))) {
            controller.start();
            try (MininetNetwork net = MininetNetwork.start(MininetNetwork.topology("nat-home",
                    controller.openflowPort))) {
                Poll.until(Duration.ofSeconds(30), "s1 connected",
                        () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                String k = keys.toString();
                assertThat(net.sh("umask 077; wg genkey > " + k + "/s.key && wg pubkey < " + k + "/s.key > " + k
                        + "/s.pub && wg genkey > " + k + "/c.key && wg pubkey < " + k + "/c.key > " + k + "/c.pub"
                        + " && openvpn --genkey secret " + k + "/ov.key").ok()).isTrue();
                // wireguard-go's control sockets live in /var/run/wireguard: names unique on the machine.
                net.spawn("srv2", "wg-server", "exec wireguard-go -f nfwgs");
                net.spawn("h1", "wg-client", "exec wireguard-go -f nfwgc");
                Poll.until(Duration.ofSeconds(10), "WireGuard interfaces", () -> net.cmd("srv2", "ip link show nfwgs").ok()
                        && net.cmd("h1", "ip link show nfwgc").ok());
                assertThat(net.cmd("srv2", "wg set nfwgs private-key " + k + "/s.key listen-port 51820 peer $(cat " + k
                        + "/c.pub) allowed-ips 10.9.0.2/32 && ip addr add 10.9.0.1/24 dev nfwgs && ip link set nfwgs up")
                        .ok()).isTrue();
                assertThat(net.cmd("h1", "wg set nfwgc private-key " + k + "/c.key peer $(cat " + k + "/s.pub)"
                        + " allowed-ips 10.9.0.1/32 endpoint 198.51.100.10:51820 && ip addr add 10.9.0.2/24 dev nfwgc"
                        + " && ip link set nfwgc up").ok()).isTrue();
                String ovpn = " --dev-type tun --secret " + k + "/ov.key --cipher AES-256-CBC --auth SHA256 --proto udp"
                        + " --verb 3";
                net.spawn("srv1", "ovpn-server", "exec openvpn --dev nfovs --ifconfig 10.8.0.1 10.8.0.2 --lport 1194"
                        + ovpn);
                net.spawn("h1", "ovpn-client", "exec openvpn --dev nfovc --ifconfig 10.8.0.2 10.8.0.1 --remote"
                        + " 203.0.113.100 1194" + ovpn);
                try {
                    tunnelsCarry(net, "at first");
                    assertThat(net.cmd("srv2", "wg show nfwgs endpoints").out()).as("WireGuard's outer source")
                            .containsPattern(POOL + ":\\d+").doesNotContain("10.0.0.");

                    controller.kill9();
                    controller.start();
                    Poll.until(Duration.ofSeconds(30), "s1 back",
                            () -> controller.get("/api/v1/switches").contains(net.dpid("s1")));
                    tunnelsCarry(net, "after the controller's restart");

                    net.cmd("h1", "sleep 20", Duration.ofSeconds(30)); // both tunnels silent (no keepalives)
                    tunnelsCarry(net, "after 20 s of silence");
                } finally {
                    net.kill("wg-client");
                    net.kill("wg-server");
                    net.kill("ovpn-client");
                    String server = net.kill("ovpn-server").out();
                    assertThat(server).as("OpenVPN's outer source\n" + server)
                            .containsPattern("Peer Connection Initiated with \\[AF_INET\\]" + POOL + ":\\d+");
                }
            }
        } finally {
            try (var files = Files.list(keys)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(keys);
        }
    }

    @Test
    void wireGuardAndOpenVpnThroughTheControllerDatapath() throws Exception {
        run("vpn-through-nat-it");
    }

    @Test
    void wireGuardAndOpenVpnThroughTheConntrackDatapath() throws Exception {
        run("vpn-through-nat-ct-it", "--natflow.nat.datapath=conntrack", "--natflow.nat.ports-per-host=1024");
    }
}
