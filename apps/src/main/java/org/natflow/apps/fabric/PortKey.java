package org.natflow.apps.fabric;

import org.natflow.controller.api.Dpid;

/** A switch port, as a map key. */
record PortKey(Dpid dpid, int port) {
}
