package org.natflow.apps.intercept;

import org.natflow.apps.service.Conversation;

/** natflow's splicer, as the steering sees it: where it listens on the link address, and whether it takes connections now. */
public interface InterceptTarget {

    /** Its port on the service link's address. */
    int port();

    /** Whether it accepts connections now (listening, not stopping). */
    boolean ready();

    /**
     * A connection was just steered to it (its first SYN is on its way): the splicer may start on its outside
     * leg before the client's handshake completes. Called on the packet-in path: must not block.
     */
    default void steered(Conversation c) {
    }
}
