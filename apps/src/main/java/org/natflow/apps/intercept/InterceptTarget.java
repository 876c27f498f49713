package org.natflow.apps.intercept;

/** natflow's splicer, as the steering sees it: where it listens on the link address, and whether it takes connections now. */
public interface InterceptTarget {

    /** Its port on the service link's address. */
    int port();

    /** Whether it accepts connections now (listening, not stopping). */
    boolean ready();
}
