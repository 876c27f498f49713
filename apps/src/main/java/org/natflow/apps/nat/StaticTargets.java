package org.natflow.apps.nat;

import java.util.Optional;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Public endpoints held by static rules (port forwards), so hairpinning reaches them too. */
@FunctionalInterface
public interface StaticTargets {

    StaticTargets NONE = (p, a, port) -> Optional.empty();

    /**
     * The inside endpoint behind a public endpoint, as a mapping-shaped value (id 0), if a rule holds it and
     * its inside host has been located.
     */
    Optional<NatSession> target(Protocol protocol, IPv4Address address, int port);
}
