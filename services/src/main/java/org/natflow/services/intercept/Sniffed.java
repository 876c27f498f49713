package org.natflow.services.intercept;

import org.natflow.services.names.HostNames;
/**
 * What a client's first bytes said about its server: an event the sniffers fire down the pipeline.
 *
 * @param kind    what the bytes were
 * @param name       the server name they ask for (a host name, lower case), or null
 * @param unreadable whether the client sent a name that cannot be read as one: a message cut short (not finished
 *                   in time), or a name that is not a host name (a hostile SNI or Host)
 */
record Sniffed(Kind kind, String name, boolean unreadable) {

    /** What a sniffer read as the name: a host name, or else nothing and unreadable. */
    static Sniffed named(Kind kind, String raw) {
        if (raw == null) {
            return new Sniffed(kind, null, false);
        }
        String n = HostNames.normal(raw);
        return HostNames.isHostName(n) ? new Sniffed(kind, n, false) : new Sniffed(kind, null, true);
    }

    /** The protocols a name is read from. */
    enum Kind {
        TLS("tls"), HTTP("http"), OTHER("other"), NONE("none");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }
}
