package org.natflow.controller.api;

import java.util.HexFormat;

/**
 * An OpenFlow datapath id, shown as eight colon-separated hex bytes ({@code 00:00:00:00:00:00:00:01}).
 *
 * @param value the 64-bit datapath id
 */
public record Dpid(long value) implements Comparable<Dpid> {

    /** Parses {@code 00:00:00:00:00:00:00:01}, or plain hex ({@code 1}, {@code 0x1}). */
    public static Dpid parse(String text) {
        String s = text.trim().toLowerCase();
        try {
            if (s.contains(":")) {
                String[] parts = s.split(":");
                if (parts.length != 8) {
                    throw new IllegalArgumentException("a dpid has 8 bytes: " + text);
                }
                long v = 0;
                for (String p : parts) {
                    if (p.isEmpty() || p.length() > 2) {
                        throw new IllegalArgumentException("bad dpid byte '" + p + "' in " + text);
                    }
                    v = (v << 8) | HexFormat.fromHexDigits(p);
                }
                return new Dpid(v);
            }
            if (s.startsWith("0x")) {
                s = s.substring(2);
            }
            if (s.isEmpty() || s.length() > 16) {
                throw new IllegalArgumentException("not a dpid: " + text);
            }
            return new Dpid(Long.parseUnsignedLong(s, 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a dpid: " + text, e);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(23);
        for (int shift = 56; shift >= 0; shift -= 8) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(HexFormat.of().toHexDigits((byte) (value >>> shift)));
        }
        return sb.toString();
    }

    @Override
    public int compareTo(Dpid o) {
        return Long.compareUnsigned(value, o.value);
    }
}
