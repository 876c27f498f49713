package org.natflow.apps.l2;

import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchPort;

/** Which ports a flood may use; the NAT keeps floods inside by excluding the uplink. */
@FunctionalInterface
public interface FloodPolicy {

    /** Every port may be flooded. */
    FloodPolicy ALL = (dpid, port) -> true;

    boolean mayFlood(Dpid dpid, SwitchPort port);
}
