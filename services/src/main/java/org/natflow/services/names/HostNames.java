package org.natflow.services.names;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Host names (RFC 1123 labels, '_' allowed as resolvers do): the proxies' destinations, the transparent proxy's
 * SNI, Host and domain lists, the DNS forwarder's static records all check and normalise them here.
 */
public final class HostNames {

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private HostNames() {
    }

    /** A name in normal form: trimmed, lower case, without one trailing dot. */
    public static String normal(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** Whether a name in {@link #normal} form is a host name. */
    public static boolean isHostName(String normal) {
        return HOST_NAME.matcher(normal).matches();
    }
}
