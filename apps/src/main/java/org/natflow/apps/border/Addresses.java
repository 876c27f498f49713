package org.natflow.apps.border;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/** Parsing of the address notations configuration uses. */
public final class Addresses {

    private Addresses() {
    }

    /** Parses a list of addresses and ranges ({@code 203.0.113.10-203.0.113.13}), in order, without repeats. */
    public static List<IPv4Address> pool(List<String> items) {
        List<IPv4Address> out = new ArrayList<>();
        for (String item : items) {
            String s = item.trim();
            if (s.isEmpty()) {
                continue;
            }
            int dash = s.indexOf('-');
            if (dash < 0) {
                add(out, address(s));
                continue;
            }
            IPv4Address from = address(s.substring(0, dash));
            IPv4Address to = address(s.substring(dash + 1));
            long a = Integer.toUnsignedLong(from.getInt());
            long b = Integer.toUnsignedLong(to.getInt());
            if (b < a || b - a > 65535) {
                throw new IllegalArgumentException("bad address range '" + s + "'");
            }
            for (long v = a; v <= b; v++) {
                add(out, IPv4Address.of((int) v));
            }
        }
        return out;
    }

    private static void add(List<IPv4Address> out, IPv4Address a) {
        if (!out.contains(a)) {
            out.add(a);
        }
    }

    /** One decimal octet as RFC 6943 writes it: ASCII digits, no leading zero (a zero before digits means octal). */
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static final Pattern DOTTED_QUAD = Pattern.compile(OCTET + "\\." + OCTET + "\\." + OCTET + "\\." + OCTET);
    private static final Pattern PREFIX_LENGTH = Pattern.compile("3[0-2]|[12][0-9]|[0-9]");

    /**
     * Parses a dotted-quad address with a clear error. Strict: four decimal octets of ASCII digits without
     * leading zeros (no "010.0.0.1", which other parsers read as octal, no full-width digits).
     */
    public static IPv4Address address(String s) {
        String t = s == null ? "" : s.trim();
        if (!DOTTED_QUAD.matcher(t).matches()) {
            throw new IllegalArgumentException("not an IPv4 address: '" + s + "'");
        }
        return IPv4Address.of(t);
    }

    /** Parses {@code a.b.c.d/len}, as strictly as {@link #address}. */
    public static IPv4AddressWithMask prefix(String s) {
        String t = s == null ? "" : s.trim();
        int slash = t.indexOf('/');
        if (slash < 0 || !DOTTED_QUAD.matcher(t.substring(0, slash)).matches()
                || !PREFIX_LENGTH.matcher(t.substring(slash + 1)).matches()) {
            throw new IllegalArgumentException("not a CIDR prefix: '" + s + "'");
        }
        return IPv4AddressWithMask.of(t);
    }

    /** Prefixes as one comma-separated text (how rule stores keep a list of them); empty for none. */
    public static String joinPrefixes(List<IPv4AddressWithMask> prefixes) {
        return String.join(",", prefixes.stream().map(Object::toString).toList());
    }

    /** Parses what {@link #joinPrefixes} wrote. */
    public static List<IPv4AddressWithMask> splitPrefixes(String text) {
        return text == null || text.isEmpty() ? List.of()
                : java.util.Arrays.stream(text.split(",")).map(Addresses::prefix).toList();
    }

    /** Parses {@code 1024-65535} into {min, max}. */
    public static int[] portRange(String s) {
        String[] parts = s.trim().split("-");
        try {
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("not a port range: '" + s + "' (e.g. 1024-65535)");
    }
}
