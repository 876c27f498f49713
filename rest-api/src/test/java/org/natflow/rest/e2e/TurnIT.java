package org.natflow.rest.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.natflow.rest.testing.Poll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;

/**
 * natflow's TURN server against coturn's own test clients: turnutils_uclient relays through it to a
 * turnutils_peer on the public segment, from outside the NAT (hA, behind a Linux NAT) and from behind it
 * (hB), and turnutils_stunclient gets the right reflexive address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"natflow.openflow.address=127.0.0.1", "natflow.openflow.port=0",
                "natflow.turn.enabled=true", "natflow.turn.users=alice:wonderland,carol:pw",
                "natflow.turn.allocations-per-user=4", "natflow.turn.allowed-peers=203.0.113.20/32",
                "natflow.turn.secret=north-wind", "natflow.turn.realm=natflow.test"})
class TurnIT extends TwoSitesIT {

    @Override
    void afterStart() {
        net.spawn("pub", "peer", "exec turnutils_peer -L 203.0.113.20 -p 3480");
        Poll.until(Duration.ofSeconds(10), "turn server listening on the link", () -> net
                .sh("ss -lunH 'sport = :3478' | grep -c 169.254.100.1").out().trim().equals("1"));
        Poll.until(Duration.ofSeconds(10), "peer listening", () -> net.cmd("pub", "ss -lunH | grep -q ':3480 '").ok());
    }

    private static String lost(String out) {
        return out.lines().filter(l -> l.contains("Total lost packets")).findFirst().orElse("no summary: " + out);
    }

    /** uclient's own tally: everything it sent came back through the relay and the peer's echo. */
    private static void allEchoed(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "start_mclient: tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as(out).isGreaterThanOrEqualTo(100);
        assertThat(m.group(2)).as(out).isEqualTo(m.group(1));
    }

    /** Runs turnutils_uclient on a host with these credentials: 100 messages per channel to the public peer. */
    private void relaysWithoutLoss(String host, String credentials) {
        MininetNetwork.Result r = net.cmd(host, "turnutils_uclient " + credentials + " -e 203.0.113.20 -r 3480"
                + " -n 100 -l 120 -z 5 203.0.113.10 2>&1", Duration.ofSeconds(60));
        assertThat(lost(r.out())).as(r.out()).contains("Total lost packets 0 (0.000000%)");
        allEchoed(r.out());
    }

    @Test
    void uclientFromOutsideTheNatRelaysWithoutLoss() {
        relaysWithoutLoss("hA", "-u alice -w wonderland");
    }

    @Test
    void uclientBehindTheNatWithTheSharedSecretSchemeAndChannels() {
        relaysWithoutLoss("hB", "-W north-wind -u bob");
    }

    @Test
    void stunclientSeesItsReflexiveAddress() {
        MininetNetwork.Result r = net.cmd("hA", "turnutils_stunclient -p 3478 203.0.113.10 2>&1");
        assertThat(r.out()).as(r.out()).containsPattern("(?i)reflexive addr: 203\\.0\\.113\\.50:\\d+");
    }

    @Test
    void wrongPasswordIsRefusedAndAllocationsAreListedAndDeletable() {
        MininetNetwork.Result bad = net.cmd("hA", "turnutils_uclient -u alice -w wrong -e 203.0.113.20 -r 3480"
                + " -n 5 203.0.113.10 2>&1", Duration.ofSeconds(60));
        assertThat(bad.out()).as(bad.out()).doesNotContain("Total lost packets 0 (0.000000%)");
        net.spawn("hA", "holder", "exec turnutils_uclient -h -u alice -w wonderland -e 203.0.113.20 -r 3480 -n 10"
                + " 203.0.113.10");
        Poll.until(Duration.ofSeconds(15), "allocation listed", () -> rest
                .getForObject("/api/v1/relays?type=turn", JsonNode.class).size() > 0);
        JsonNode a = rest.getForObject("/api/v1/turn/allocations", JsonNode.class).get(0);
        assertThat(a.get("username").asText()).isEqualTo("alice");
        assertThat(a.get("client").asText()).startsWith("203.0.113.50:");
        assertThat(a.get("relayedAddress").asText()).startsWith("203.0.113.10:");
        net.kill("holder");
        // The killed client never released its allocations: the operator does, and the relayed ports close.
        for (JsonNode each : rest.getForObject("/api/v1/turn/allocations", JsonNode.class)) {
            assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/turn/allocations/" + each.get("id").asLong(),
                    null).getStatusCode().value()).isEqualTo(204);
        }
        assertThat(rest.getForObject("/api/v1/turn/allocations", JsonNode.class)).isEmpty();
        assertThat(RestClient.write(rest, HttpMethod.DELETE, "/api/v1/turn/allocations/" + a.get("id").asLong(), null)
                .getStatusCode().value()).isEqualTo(404);
        String relayedPort = a.get("relayedAddress").asText().split(":")[1];
        Poll.until(Duration.ofSeconds(5), "relayed socket closed", () -> !net
                .sh("ss -lunH 'sport = :" + relayedPort + "'").out().contains("169.254.100.1"));
    }

    private JsonNode probe(String args) throws Exception {
        MininetNetwork.Result r = net.cmd("hA", "/usr/bin/python3 "
                + MininetEnvironment.projectRoot().resolve("mininet/tools/turn_probe.py")
                + " --server 203.0.113.10 " + args, Duration.ofSeconds(60));
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out().lines().reduce((x, y) -> y).orElse("{}"));
    }

    @Test
    void relayingToInsidePrivateSpecialUplinkAndGatewayAddressesIsRefused() throws Exception {
        String[] forbidden = {"10.0.0.2", "127.0.0.1", "203.0.113.10", "169.254.100.1", "224.0.0.1", "10.0.1.5",
            "172.16.0.1", "192.168.1.1", "100.64.0.1", "198.18.0.1", "240.0.0.1", "192.0.0.1", "203.0.113.1",
            "203.0.113.21"};
        JsonNode r = probe("--user carol --password pw --peer " + String.join(" --peer ", forbidden)
                + " --peer 203.0.113.20");
        assertThat(r.get("allocate").asInt()).as(r.toString()).isEqualTo(200);
        JsonNode p = r.get("permissions");
        for (String f : forbidden) {
            assertThat(p.get(f).asInt()).as(f + " in " + r).isEqualTo(403);
        }
        assertThat(p.get("203.0.113.20").asInt()).as("the peer allowed on the uplink subnet").isEqualTo(200);
        assertThat(r.get("retransmitted").asInt()).as("a retransmitted Allocate gets its answer again").isEqualTo(200);
        assertThat(r.get("retransmittedRelayed").asText()).isEqualTo(r.get("relayed").asText());
        assertThat(r.get("second").asInt()).as("a new Allocate on the same 5-tuple").isEqualTo(437);
    }

    @Test
    void aUserPastItsQuotaIsRefusedAndWrongCredentialsAreUnauthorized() throws Exception {
        JsonNode r = probe("--user carol --password pw --extra 4");
        assertThat(r.get("allocate").asInt()).as(r.toString()).isEqualTo(200);
        assertThat(r.get("extra").toString()).as("quota 4: three more, then 486").isEqualTo("[200,200,200,486]");
        JsonNode burst = probe("--user carol --password pw --burst 10");
        assertThat(burst.get("burst")).as("ten Allocates at once with quota 4: " + burst)
                .filteredOn(c -> c.asInt() == 200).hasSize(3);
        assertThat(burst.get("burst")).filteredOn(c -> c.asInt() != 200).allMatch(c -> c.asInt() == 486);
        assertThat(probe("--user carol --password nope").get("allocate").asInt()).isEqualTo(401);
        assertThat(probe("--user nobody --password pw").get("allocate").asInt()).isEqualTo(401);
    }

    @Test
    void unauthenticatedAnswersAreRateLimitedAndPermissionsBounded() throws Exception {
        JsonNode r = probe("--user carol --password pw --bindings 200 --permissions 300");
        assertThat(r.get("bindingsAnswered").asInt()).as("200 Bindings at once from one source: " + r)
                .isBetween(1, 40);
        assertThat(r.get("bindingSize").asInt()).as("no SOFTWARE attribute in unauthenticated answers")
                .isLessThanOrEqualTo(32);
        assertThat(r.get("manyPermissions").get("200").asInt()).as("permissions per allocation: " + r)
                .isEqualTo(256);
        assertThat(r.get("manyPermissions").get("508").asInt()).isEqualTo(44);
    }

    @Test
    void anotherUsersCredentialsAndAReplayedAllocateAreRefused() throws Exception {
        JsonNode r = probe("--user carol --password pw --other-user alice --other-password wonderland --replay");
        assertThat(r.get("allocate").asInt()).as(r.toString()).isEqualTo(200);
        assertThat(r.get("otherPermission").asInt()).as("alice on carol's allocation: Wrong Credentials")
                .isEqualTo(441);
        assertThat(r.get("otherRefresh").asInt()).isEqualTo(441);
        assertThat(r.get("ownAfter").asInt()).as("carol's allocation still stands").isEqualTo(200);
        assertThat(r.get("replay").asInt()).as("carol's Allocate replayed from another endpoint: Stale Nonce")
                .isEqualTo(438);
    }
}
