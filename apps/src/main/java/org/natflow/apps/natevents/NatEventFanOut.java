package org.natflow.apps.natevents;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hands each event to every listener that joined (the IPFIX exporter, the dashboard's live streams), in the
 * order they joined; active only while one has. Listeners join and leave at any time.
 */
public final class NatEventFanOut implements NatEventListener {

    private final List<NatEventListener> listeners = new CopyOnWriteArrayList<>();

    /** {@code listener} takes every event from now on. */
    public void join(NatEventListener listener) {
        listeners.add(listener);
    }

    /** {@code listener} takes no more events. */
    public void leave(NatEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void natEvent(NatEvent event) {
        for (NatEventListener l : listeners) {
            l.natEvent(event);
        }
    }

    @Override
    public boolean active() {
        return !listeners.isEmpty();
    }
}
