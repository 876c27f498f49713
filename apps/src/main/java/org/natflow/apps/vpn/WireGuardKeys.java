package org.natflow.apps.vpn;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.util.Base64;

/** WireGuard key pairs from the JDK's X25519 (RFC 7748): raw 32-byte keys, base64 as {@code wg} writes them. */
public final class WireGuardKeys {

    /**
     * A key pair.
     *
     * @param privateKey base64
     * @param publicKey  base64
     */
    public record Pair(String privateKey, String publicKey) {
    }

    private WireGuardKeys() {
    }

    /** A fresh key pair. */
    public static Pair generate() {
        try {
            KeyPair kp = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            byte[] priv = ((XECPrivateKey) kp.getPrivate()).getScalar().orElseThrow();
            byte[] pub = littleEndian(((XECPublicKey) kp.getPublic()).getU());
            return new Pair(Base64.getEncoder().encodeToString(priv), Base64.getEncoder().encodeToString(pub));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no X25519", e);
        }
    }

    /** Whether a text is a WireGuard key: base64 of exactly 32 bytes. */
    public static boolean isKey(String text) {
        try {
            return text != null && text.length() == 44 && Base64.getDecoder().decode(text).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A base64 key as the hex the configuration protocol of WireGuard devices uses. */
    public static String hex(String base64) {
        StringBuilder sb = new StringBuilder(64);
        for (byte b : Base64.getDecoder().decode(base64)) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** A hex key back to base64. */
    public static String base64(String hex) {
        byte[] b = new byte[hex.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] littleEndian(BigInteger u) {
        byte[] be = u.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }
}
