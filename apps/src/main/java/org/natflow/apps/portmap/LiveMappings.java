package org.natflow.apps.portmap;

import java.util.Optional;
import org.natflow.apps.ports.Protocol;

/**
 * The NAT's own mappings, as far as a peer mapping request needs them: the public endpoint an inside endpoint's
 * connections leave from now, if it has one.
 */
@FunctionalInterface
public interface LiveMappings {

    /**
     * A live mapping.
     *
     * @param publicAddress its public address
     * @param publicPort    its public port
     * @param idleSecs      how long it lasts after its last packet
     */
    record Live(org.projectfloodlight.openflow.types.IPv4Address publicAddress, int publicPort, long idleSecs) {
    }

    /** The live mapping of an inside endpoint. */
    Optional<Live> of(Protocol protocol, org.projectfloodlight.openflow.types.IPv4Address inside, int insidePort);

    /** No NAT mappings (a NAT that is not there). */
    static LiveMappings none() {
        return (p, a, port) -> Optional.empty();
    }
}
