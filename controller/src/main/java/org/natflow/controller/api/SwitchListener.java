package org.natflow.controller.api;

/** Receives switch and port events, one at a time, in the order they happened. */
@FunctionalInterface
public interface SwitchListener {
    void event(SwitchEvent event);
}
