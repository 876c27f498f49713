package org.natflow.apps.ports;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * A mapping could not be created: the host's quota is reached, or its pool address has no room.
 */
public class AllocationException extends Exception {

    /** Why. */
    public enum Reason { POOL_EXHAUSTED, QUOTA_EXCEEDED }

    private final Reason reason;
    private final IPv4Address address;
    private final int limit;
    private final boolean everyAddress;

    /** A refusal with no further detail. */
    public AllocationException(Reason reason, String message) {
        this(reason, message, null, 0, false);
    }

    /**
     * A refusal.
     *
     * @param address      the pool address without room (POOL_EXHAUSTED), or null
     * @param limit        the quota reached (QUOTA_EXCEEDED), or 0
     * @param everyAddress whether no address the host could have had room either
     */
    public AllocationException(Reason reason, String message, IPv4Address address, int limit,
                               boolean everyAddress) {
        super(message, null, false, false);
        this.reason = reason;
        this.address = address;
        this.limit = limit;
        this.everyAddress = everyAddress;
    }

    public Reason reason() {
        return reason;
    }

    /** The pool address without room, or null. */
    public IPv4Address address() {
        return address;
    }

    /** The quota the host reached, or 0. */
    public int limit() {
        return limit;
    }

    /** Whether no address the host could have had room either (the pool is exhausted, not only its address). */
    public boolean everyAddress() {
        return everyAddress;
    }
}
