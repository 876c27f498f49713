package org.natflow.services.proxy;

/**
 * A user of the proxies (HTTP {@code Proxy-Authorization: Basic}, SOCKS5 username/password).
 *
 * @param name         the user name, 1-255 bytes of printable ASCII without a colon
 * @param passwordHash the password as {@link ProxyPasswords#hash} keeps it (never the password itself)
 */
public record ProxyUser(String name, String passwordHash) {

    public ProxyUser {
        if (name == null || name.isEmpty() || name.length() > 255 || !name.chars().allMatch(c -> c > 32 && c < 127
                && c != ':')) {
            throw new IllegalArgumentException("a user name is 1-255 printable ASCII characters without ':' or spaces");
        }
        if (passwordHash == null || !ProxyPasswords.isHash(passwordHash)) {
            throw new IllegalArgumentException("user " + name + ": not a password hash");
        }
    }
}
