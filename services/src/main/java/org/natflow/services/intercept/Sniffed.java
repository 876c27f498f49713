package org.natflow.services.intercept;

/**
 * What a client's first bytes said about its server: an event the sniffers fire down the pipeline.
 *
 * @param kind    what the bytes were
 * @param name    the server name they ask for (lower case), or null
 * @param partial whether the client had started a message it did not finish in time
 */
record Sniffed(Kind kind, String name, boolean partial) {

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
