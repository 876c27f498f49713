package org.natflow.apps.dhcp;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Addresses handed out: {@code first} to {@code last}, both included.
 *
 * @param first the first address
 * @param last  the last address
 */
public record DhcpRange(IPv4Address first, IPv4Address last) {

    public DhcpRange {
        if (Integer.compareUnsigned(first.getInt(), last.getInt()) > 0) {
            throw new IllegalArgumentException("range " + first + "-" + last + " ends before it starts");
        }
    }

    /** Parses {@code 10.0.0.100-10.0.0.199}. */
    public static DhcpRange parse(String text) {
        String[] p = text.trim().split("-");
        if (p.length != 2) {
            throw new IllegalArgumentException("not a range FIRST-LAST: '" + text + "'");
        }
        try {
            return new DhcpRange(IPv4Address.of(p[0].trim()), IPv4Address.of(p[1].trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a range of IPv4 addresses: '" + text + "'");
        }
    }

    public boolean contains(IPv4Address a) {
        return Integer.compareUnsigned(a.getInt(), first.getInt()) >= 0
                && Integer.compareUnsigned(a.getInt(), last.getInt()) <= 0;
    }

    /** How many addresses it has. */
    public long size() {
        return (last.getInt() & 0xffffffffL) - (first.getInt() & 0xffffffffL) + 1;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
