package org.natflow.apps.service;

import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * One remote endpoint talking to one service endpoint of natflow's (a public one, or the gateway's on the inside),
 * as the switch translates it: the service sees it coming from {@code aliasAddress:aliasPort}.
 *
 * @param protocol   udp or tcp
 * @param remote     the remote endpoint (an inside host's own endpoint when it is behind this NAT)
 * @param publicSide the endpoint it talks to: a pool address's, the gateway address's for an inside host, or
 *                   the server's an intercepted inside connection was addressed to
 * @param aliasPort  its port on the link's alias address
 * @param servicePort the port of natflow's service socket on the link address: the public port for a service
 *                   listening on it, the socket's own port for one a service opened from an ephemeral port
 * @param inside     whether the remote is an inside host
 * @param mac        an inside remote's MAC (else null)
 * @param switchPort an inside remote's switch port (else null)
 * @param dpid       the border that translates it
 */
public record Conversation(Protocol protocol, Endpoint remote, Endpoint publicSide, int aliasPort, int servicePort,
                           boolean inside, MacAddress mac, OFPort switchPort, Dpid dpid) {
}
