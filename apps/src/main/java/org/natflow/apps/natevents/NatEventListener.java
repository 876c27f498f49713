package org.natflow.apps.natevents;

/**
 * Takes NAT events. Called on the threads that create and end mappings, the packet-in path among them: an
 * implementation must not block, and must bound what it keeps.
 */
@FunctionalInterface
public interface NatEventListener {

    /** Takes no event: whoever raises them need not make any. */
    NatEventListener NONE = new NatEventListener() {
        @Override
        public void natEvent(NatEvent event) {
        }

        @Override
        public boolean active() {
            return false;
        }
    };

    /** One event. */
    void natEvent(NatEvent event);

    /** Whether events are wanted now (false lets the raiser skip making them). */
    default boolean active() {
        return true;
    }
}
