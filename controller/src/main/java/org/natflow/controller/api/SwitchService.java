package org.natflow.controller.api;

import java.util.List;
import java.util.Optional;

/** Read access to the connected switches, and their events. */
public interface SwitchService {

    /** Connected switches ordered by dpid. */
    List<SwitchInfo> switches();

    /** The connected switch with this dpid. */
    Optional<SwitchInfo> get(Dpid dpid);

    /**
     * Subscribes to switch events. Events are delivered on one controller thread, never an I/O thread;
     * a new listener first receives CONNECTED for every switch already connected.
     */
    void addListener(SwitchListener listener);

    void removeListener(SwitchListener listener);
}
