package org.natflow.apps.ports;

/** A mapping could not be created: the pool or the host's quota is exhausted. */
public class AllocationException extends Exception {

    /** Why. */
    public enum Reason { POOL_EXHAUSTED, QUOTA_EXCEEDED }

    private final Reason reason;

    public AllocationException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
