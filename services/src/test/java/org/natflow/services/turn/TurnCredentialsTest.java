package org.natflow.services.turn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

    private final TurnConfig config = new TurnConfig(3478, "natflow", Map.of("alice", "wonderland"), "north-wind", 10,
            0, 600, 3600);

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
    void noncesAreOursAndExpire() {
        Clock fixed = Clock.fixed(NOW, ZoneOffset.UTC);
        TurnCredentials c = new TurnCredentials(config, fixed);
        String nonce = c.nonce();
        assertThat(c.nonceValid(nonce)).isTrue();
        assertThat(c.nonceValid(nonce.replace('-', '+'))).isFalse();
        assertThat(c.nonceValid("ffffffffff-0000000000000000000")).as("forged").isFalse();
        assertThat(new TurnCredentials(config, fixed).nonceValid(nonce)).as("another server's key").isFalse();
        TurnCredentials later = new TurnCredentials(config, Clock.offset(fixed, java.time.Duration.ofHours(2)));
        assertThat(later.nonceValid(later.nonce())).isTrue();
    }
}
