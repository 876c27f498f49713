package org.natflow.services.proxy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Proxy passwords as natflow keeps them: PBKDF2-HMAC-SHA256 with a random salt, written
 * {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (base64). A stored policy never holds a password.
 */
public final class ProxyPasswords {

    private static final String PREFIX = "pbkdf2-sha256";
    private static final int ITERATIONS = 60_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ProxyPasswords() {
    }

    /** The hash to keep for {@code password}. */
    public static String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + ITERATIONS + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(derive(password, salt, ITERATIONS));
    }

    /** Whether {@code text} is a hash {@link #hash} made. */
    public static boolean isHash(String text) {
        String[] parts = text.split("\\$");
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            return false;
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            Base64.getDecoder().decode(parts[2]);
            return iterations > 0 && iterations <= 10_000_000 && Base64.getDecoder().decode(parts[3]).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code password} is the one {@code hash} was made from (in time independent of where they differ). */
    public static boolean matches(String password, String hash) {
        String[] parts = hash.split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        byte[] expected = Base64.getDecoder().decode(parts[3]);
        return MessageDigest.isEqual(expected, derive(password, salt, Integer.parseInt(parts[1])));
    }

    private static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every Java 17", e);
        }
    }

    /** A digest of a presented password, for remembering that it was verified without keeping it. */
    static byte[] digest(String name, String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((name + '\0' + password)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java 17", e);
        }
    }
}
