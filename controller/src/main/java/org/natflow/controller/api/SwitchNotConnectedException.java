package org.natflow.controller.api;

/** The switch is not (or no longer) connected; what was asked of it did not happen or is unknown. */
public class SwitchNotConnectedException extends RuntimeException {

    public SwitchNotConnectedException(Dpid dpid) {
        super("switch " + dpid + " is not connected");
    }
}
