package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.natflow.rest.testing.Poll;

/**
 * OpenFlow over TLS with Open vSwitch and ovs-pki, as an operator deploys it: the switch with a certificate of the
 * trusted authority and an allowed dpid connects; a switch outside the allow list, a client with a certificate of
 * another authority, and plain TCP get nothing (not even the controller's HELLO).
 */
@Tag("mininet")
class OpenFlowTlsIT {

    @TempDir
    Path dir;

    /** Runs a command in the root namespace; its output. */
    private static String sh(String command) {
        try {
            Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void onlyTrustedAllowedSwitchesConnectOverTls() throws Exception {
        MininetEnvironment.require();
        String pki = dir.resolve("pki").toString();
        String rogue = dir.resolve("rogue").toString();
        sh("cd " + dir + " && ovs-pki --dir=" + pki + " init && ovs-pki --dir=" + pki + " req+sign ctl controller"
                + " && ovs-pki --dir=" + pki + " req+sign sw switch && mkdir -p r && cd r && ovs-pki --dir=" + rogue
                + " init && ovs-pki --dir=" + rogue + " req+sign sw switch");
        try (ControllerProcess c = new ControllerProcess(dir.resolve("natflow.log"), List.of(
                "--natflow.data-dir=" + dir.resolve("data"), "--natflow.openflow.tls.enabled=true",
                "--natflow.openflow.tls.certificate=" + dir.resolve("ctl-cert.pem"),
                "--natflow.openflow.tls.private-key=" + dir.resolve("ctl-privkey.pem"),
                "--natflow.openflow.tls.trust=" + pki + "/switchca/cacert.pem",
                "--natflow.openflow.allowed-dpids=00:00:00:00:00:00:00:e1"))) {
            c.start();
            String target = "ssl:127.0.0.1:" + c.openflowPort;
            try {
                sh("ovs-vsctl set-ssl " + dir.resolve("sw-privkey.pem") + " " + dir.resolve("sw-cert.pem") + " "
                        + pki + "/controllerca/cacert.pem"
                        + " && ovs-vsctl --may-exist add-br tls1 -- set bridge tls1 datapath_type=netdev"
                        + " protocols=OpenFlow13 other-config:datapath-id=00000000000000e1 -- set-controller tls1 "
                        + target + " && ovs-vsctl --may-exist add-br tls2 -- set bridge tls2 datapath_type=netdev"
                        + " protocols=OpenFlow13 other-config:datapath-id=00000000000000e2 -- set-controller tls2 "
                        + target);
                Poll.until(Duration.ofSeconds(30), "the trusted, allowed switch connected over TLS",
                        () -> c.get("/api/v1/switches").contains("00:00:00:00:00:00:00:e1"));
                Poll.until(Duration.ofSeconds(30), "the switch outside the allow list refused", () -> sh(
                        "grep -c 'event=switch-refused.*00:00:00:00:00:00:00:e2' " + dir.resolve("natflow.log"))
                        .trim().matches("[1-9][0-9]*"));
                assertThat(c.get("/api/v1/switches")).doesNotContain("00:00:00:00:00:00:00:e2");

                String hello = "(sleep 3) | timeout 6 openssl s_client -quiet -connect 127.0.0.1:" + c.openflowPort
                        + " -CAfile " + pki + "/controllerca/cacert.pem %s 2>/dev/null | od -An -tx1 | head -1";
                assertThat(sh(String.format(hello, "-cert " + dir.resolve("sw-cert.pem") + " -key "
                        + dir.resolve("sw-privkey.pem"))).trim()).as("a trusted certificate is greeted with HELLO")
                        .startsWith("06 00");
                assertThat(sh(String.format(hello, "-cert " + dir.resolve("r/sw-cert.pem") + " -key "
                        + dir.resolve("r/sw-privkey.pem"))).trim()).as("another authority's certificate: nothing")
                        .isEmpty();
                assertThat(sh(String.format(hello, ""))).as("no certificate at all: nothing").isBlank();
                assertThat(sh("(printf '\\004\\000\\000\\010\\000\\000\\000\\001'; sleep 2) | timeout 4 nc 127.0.0.1 "
                        + c.openflowPort + " | od -An -tx1 | head -1")).as("plain TCP: nothing").isBlank();
                assertThat(c.get("/api/v1/switches")).doesNotContain("00:00:00:00:00:00:00:e2");
            } finally {
                sh("ovs-vsctl --if-exists del-br tls1; ovs-vsctl --if-exists del-br tls2; ovs-vsctl del-ssl");
            }
        }
    }
}
