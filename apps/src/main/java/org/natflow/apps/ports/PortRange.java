package org.natflow.apps.ports;

/**
 * Ports as policies write them: {@code 443} or {@code 8000-8099}.
 *
 * @param min the lowest port, at least 1
 * @param max the highest port, at most 65535
 */
public record PortRange(int min, int max) {

    /** Every port. */
    public static final PortRange ALL = new PortRange(1, 65535);

    public PortRange {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("ports " + min + "-" + max + " are not a range within 1-65535");
        }
    }

    /** Parses {@code 443} or {@code 8000-8099}. */
    public static PortRange parse(String text) {
        String t = text == null ? "" : text.trim();
        int dash = t.indexOf('-');
        try {
            int min = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).trim());
            int max = dash < 0 ? min : Integer.parseInt(t.substring(dash + 1).trim());
            if (min >= 1 && max <= 65535 && min <= max) {
                return new PortRange(min, max);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("not a port or port range within 1-65535: '" + text + "'");
    }

    /** Whether the range has {@code port}. */
    public boolean contains(int port) {
        return port >= min && port <= max;
    }

    /** Whether the two ranges share a port. */
    public boolean overlaps(PortRange other) {
        return min <= other.max && other.min <= max;
    }

    /** The range as it is written. */
    public String text() {
        return min == max ? Integer.toString(min) : min + "-" + max;
    }
}
