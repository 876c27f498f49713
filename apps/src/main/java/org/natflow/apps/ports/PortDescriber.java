package org.natflow.apps.ports;

import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Names the dynamic holder of a public port for a conflict message ("live NAT mapping 7 (tcp 10.0.0.2:4000);
 * delete it or wait for it to expire"). Registered by each app that allocates dynamic ports.
 */
@FunctionalInterface
public interface PortDescriber {

    /** What holds the port, if it is one of this describer's. */
    Optional<String> describe(Protocol protocol, IPv4Address address, int port);
}
