package org.natflow.services.proxy;

import org.natflow.apps.ports.Endpoint;
import org.natflow.controller.api.Dpid;

/**
 * Who a connection to the proxies is from, as the service link's conversation says.
 *
 * @param inside    the client's inside endpoint
 * @param dpid      the border the client is behind (its outside connections leave there)
 * @param aliasPort the conversation's alias port
 */
record ProxyClient(Endpoint inside, Dpid dpid, int aliasPort) {
}
