package org.natflow.services.splice;

/** Why an outside connection could not be opened; the message says it for a person. */
public final class OutsideFailure extends RuntimeException {

    /** The kinds of failure, which each service answers its client in its own way. */
    public enum Reason {
        /** The inside host's border is not up. */
        NO_BORDER,
        /** The host has no public port left (its quota, or the pool). */
        NO_PORT,
        /** The service link cannot carry the connection. */
        NO_LINK,
        /** The server did not answer in time. */
        TIMED_OUT,
        /** The server refused (RST). */
        REFUSED,
        /** The server cannot be reached. */
        UNREACHABLE
    }

    private final Reason reason;

    public OutsideFailure(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
