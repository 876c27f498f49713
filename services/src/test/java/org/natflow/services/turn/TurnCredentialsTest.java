package org.natflow.services.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.testing.MutableClock;
import org.projectfloodlight.openflow.types.IPv4Address;

class TurnCredentialsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private final TurnConfig config = new TurnConfig(3478, "natflow", Map.of("alice", "wonderland"), "north-wind", 10,
            100, 0, 600, 3600, TurnConfig.DENIED, List.of());
    private static final Endpoint CLIENT = new Endpoint(IPv4Address.of("198.51.100.7"), 40000);

    private static String restPassword(String secret, String username) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void configuredUsersAndTheTimeLimitedScheme() throws Exception {
        TurnCredentials c = new TurnCredentials(config, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(c.password("alice")).contains("wonderland");
        assertThat(c.password("mallory")).isEmpty();
        String valid = (NOW.getEpochSecond() + 60) + ":bob";
        assertThat(c.password(valid)).contains(restPassword("north-wind", valid));
        assertThat(c.password((NOW.getEpochSecond() - 1) + ":bob")).as("expired").isEmpty();
        assertThat(c.password("soon:bob")).isEmpty();
        assertThat(c.key("alice")).hasValueSatisfying(k -> assertThat(k).hasSize(16));
    }

    @Test
    void noncesAreOursBoundToTheClientAndExpireInTenMinutes() {
        MutableClock clock = new MutableClock(NOW);
        TurnCredentials c = new TurnCredentials(config, clock);
        String nonce = c.nonce(CLIENT);
        assertThat(c.nonceValid(nonce, CLIENT)).isTrue();
        assertThat(c.nonceValid(nonce, new Endpoint(CLIENT.address(), 40001))).as("replayed from another port")
                .isFalse();
        assertThat(c.nonceValid(nonce, new Endpoint(IPv4Address.of("192.0.2.9"), 40000)))
                .as("replayed from another address").isFalse();
        assertThat(c.nonceValid(nonce.replace('-', '+'), CLIENT)).isFalse();
        assertThat(c.nonceValid("ffffffffff-0000000000000000000", CLIENT)).as("forged").isFalse();
        assertThat(new TurnCredentials(config, clock).nonceValid(nonce, CLIENT)).as("another server's key").isFalse();
        clock.set(NOW.plusSeconds(599));
        assertThat(c.nonceValid(nonce, CLIENT)).isTrue();
        clock.set(NOW.plusSeconds(600));
        assertThat(c.nonceValid(nonce, CLIENT)).as("stale after ten minutes").isFalse();
    }
}
