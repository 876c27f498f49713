package org.natflow.apps.natevents;

/**
 * Takes NAT events. Called on the threads that create and end mappings, the packet-in path among them: an
 * implementation must not block, and must bound what it keeps.
 */
@FunctionalInterface
public interface NatEventListener {

    /** Takes no event. */
    NatEventListener NONE = e -> { };

    /** One event. */
    void natEvent(NatEvent event);
}
