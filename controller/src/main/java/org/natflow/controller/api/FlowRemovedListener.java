package org.natflow.controller.api;

import org.projectfloodlight.openflow.protocol.OFFlowRemoved;

/** Receives flow-removed messages, on a controller thread (never an I/O thread). */
@FunctionalInterface
public interface FlowRemovedListener {
    void flowRemoved(Dpid dpid, OFFlowRemoved message);
}
