package org.natflow.apps.fabric;

import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * A host the fabric has seen on an edge port.
 *
 * @param mac      its MAC
 * @param ip       its IPv4 address, when seen (ARP sender or IPv4 source), else null
 * @param dpid     the switch it is attached to
 * @param port     the port there
 * @param lastSeen when a packet of it last reached the controller (epoch milliseconds)
 */
public record FabricHost(MacAddress mac, IPv4Address ip, Dpid dpid, int port, long lastSeen) {
}
