package org.natflow.controller.api;

import java.util.Optional;

/**
 * A change in the set of switches or their ports.
 *
 * @param type what happened
 * @param sw   the switch, as it is after the change (as it was, for {@link Type#DISCONNECTED})
 * @param port the port concerned, for port events
 */
public record SwitchEvent(Type type, SwitchInfo sw, Optional<SwitchPort> port) {

    /** Kinds of switch events. */
    public enum Type {
        /** Handshake completed; the switch accepts flows. */
        CONNECTED,
        /** The control connection closed (or was replaced by a newer one for the same dpid). */
        DISCONNECTED,
        PORT_ADDED,
        PORT_REMOVED,
        /** State or configuration of a port changed, e.g. link down. */
        PORT_MODIFIED
    }

    public static SwitchEvent of(Type type, SwitchInfo sw) {
        return new SwitchEvent(type, sw, Optional.empty());
    }

    public static SwitchEvent of(Type type, SwitchInfo sw, SwitchPort port) {
        return new SwitchEvent(type, sw, Optional.of(port));
    }
}
