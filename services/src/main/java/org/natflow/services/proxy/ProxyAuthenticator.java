package org.natflow.services.proxy;

import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks proxy credentials against the policy's users. A password hash is slow on purpose, so a password once
 * verified is remembered (as a digest, never in clear) for its user's current hash: the next tunnel with the
 * same credentials costs one SHA-256.
 */
final class ProxyAuthenticator {

    private final Map<ProxyUser, byte[]> verified = new ConcurrentHashMap<>();

    /** Whether {@code name} and {@code password} are a user of {@code policy}'s. */
    boolean verify(ProxyPolicy policy, String name, String password) {
        if (name == null || password == null) {
            return false;
        }
        ProxyUser user = policy.user(name).orElse(null);
        if (user == null) {
            return false;
        }
        byte[] digest = ProxyPasswords.digest(name, password);
        byte[] known = verified.get(user);
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        if (!ProxyPasswords.matches(password, user.passwordHash())) {
            return false;
        }
        if (verified.size() > 2 * ProxyPolicy.MAX_ENTRIES) {
            verified.clear(); // users replaced many times over: start again
        }
        verified.put(user, digest);
        return true;
    }
}
