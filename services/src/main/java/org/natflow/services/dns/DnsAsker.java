package org.natflow.services.dns;

import org.natflow.apps.ports.Endpoint;
import org.natflow.controller.api.Dpid;

/**
 * The inside host that asked a query: its endpoint (its rate, and the quota of any connection made for it) and
 * the border it is behind.
 *
 * @param client the host's endpoint
 * @param dpid   its border
 */
record DnsAsker(Endpoint client, Dpid dpid) {
}
