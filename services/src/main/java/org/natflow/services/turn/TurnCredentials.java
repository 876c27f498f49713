package org.natflow.services.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.natflow.apps.ports.Endpoint;

/**
 * Long-term credentials (RFC 8489, 9.2): configured users, and the time-limited scheme of the TURN REST API
 * that coturn calls use-auth-secret (username {@code <expiry unix time>[:<name>]}, password
 * {@code base64(HMAC-SHA1(secret, username))}). Nonces are stateless: an expiry time and a MAC over it and the
 * client's endpoint.
 */
public final class TurnCredentials {

    private static final long NONCE_SECONDS = 600;

    private final TurnConfig config;
    private final Clock clock;
    private final byte[] nonceKey = new byte[20];

    public TurnCredentials(TurnConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        new SecureRandom().nextBytes(nonceKey);
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A fresh nonce for one client, valid for ten minutes: it names its expiry and carries a MAC over the expiry
     * and the client's address and port, so a request captured from one client and replayed from another
     * endpoint is refused (438), and nothing is stored per client.
     */
    public String nonce(Endpoint client) {
        String expiry = Long.toHexString(clock.instant().getEpochSecond() + NONCE_SECONDS);
        return expiry + "-" + mac(expiry, client);
    }

    private String mac(String expiry, Endpoint client) {
        return HexFormat.of().formatHex(hmac(nonceKey, expiry + "/" + client), 0, 10);
    }

    /** Whether a nonce is one we gave this client and not expired. */
    public boolean nonceValid(String nonce, Endpoint client) {
        int dash = nonce.indexOf('-');
        if (dash <= 0) {
            return false;
        }
        String expiry = nonce.substring(0, dash);
        String mac = mac(expiry, client);
        if (!java.security.MessageDigest.isEqual(mac.getBytes(StandardCharsets.UTF_8),
                nonce.substring(dash + 1).getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        try {
            return Long.parseLong(expiry, 16) > clock.instant().getEpochSecond();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The password of a user, if the user exists (and, in the time-limited scheme, is not expired). */
    public Optional<String> password(String username) {
        String configured = config.users().get(username);
        if (configured != null) {
            return Optional.of(configured);
        }
        if (config.secret() == null || config.secret().isEmpty()) {
            return Optional.empty();
        }
        String stamp = username.contains(":") ? username.substring(0, username.indexOf(':')) : username;
        try {
            if (Long.parseLong(stamp) <= clock.instant().getEpochSecond()) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(Base64.getEncoder().encodeToString(
                hmac(config.secret().getBytes(StandardCharsets.UTF_8), username)));
    }

    /** The MESSAGE-INTEGRITY key of a user, if the user exists. */
    public Optional<byte[]> key(String username) {
        return password(username).map(p -> StunMessage.longTermKey(username, config.realm(), p));
    }
}
