package org.natflow.apps.relay;

import org.natflow.apps.ports.Endpoint;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The peer a leg is bound to: the first sender to its public port.
 *
 * @param endpoint   where it sends from (its inside endpoint when it is behind this NAT)
 * @param inside     whether it is an inside host of this NAT (reached directly, not through the uplink)
 * @param mac        an inside peer's MAC (null for peers beyond the uplink)
 * @param switchPort an inside peer's switch port (null for peers beyond the uplink)
 */
public record BoundPeer(Endpoint endpoint, boolean inside, MacAddress mac, OFPort switchPort) {
}
