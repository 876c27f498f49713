package org.natflow.apps.border;

import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Where an inside host is on a border switch.
 *
 * @param mac  its MAC
 * @param port the switch port it is behind
 */
public record HostLocation(MacAddress mac, OFPort port) {
}
