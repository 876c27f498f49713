package org.natflow.apps.ports;

import java.util.Locale;

/** Transport protocols natflow translates. */
public enum Protocol {
    TCP(6), UDP(17), ICMP(1);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** IP protocol number. */
    public int number() {
        return number;
    }

    /** Parses {@code tcp}, {@code udp} or {@code icmp}, any case. */
    public static Protocol parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown protocol '" + s + "' (tcp, udp or icmp)");
        }
    }

    public String lower() {
        return name().toLowerCase(Locale.ROOT);
    }
}
