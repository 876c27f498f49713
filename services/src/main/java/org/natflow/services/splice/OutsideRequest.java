package org.natflow.services.splice;

import java.time.Duration;
import org.natflow.apps.ports.Endpoint;
import org.natflow.controller.api.Dpid;

/**
 * An outside connection a service opens for an inside host.
 *
 * @param dpid           the border the inside host is behind
 * @param inside         the inside host's endpoint (its quota and paired pool address count)
 * @param remote         the server
 * @param connectTimeout how long the server may take to answer
 * @param holder         who holds the public port, as the mapping log names it ({@code proxy-tunnel})
 * @param id             the holder's id for the connection
 */
public record OutsideRequest(Dpid dpid, Endpoint inside, Endpoint remote, Duration connectTimeout, String holder,
                             long id) {
}
