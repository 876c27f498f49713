package org.natflow.apps.nat;

import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A switch serving as NAT border.
 *
 * @param dpid    the switch
 * @param factory its message factory
 * @param uplink  its uplink port
 */
public record Border(Dpid dpid, OFFactory factory, OFPort uplink) {
}
