package org.natflow.apps.relay;

import java.util.List;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * A relay rule: whatever the peer bound to one leg sends reaches the peer bound to the other, each seeing only
 * the relay's public endpoints.
 *
 * @param id            assigned by the store (0 before)
 * @param protocol      udp or tcp
 * @param publicAddress the pool address both legs are on
 * @param legs          exactly two legs, in order
 * @param idleTimeout   seconds without traffic after which the bindings are released
 * @param description   free text
 */
public record RelayRule(long id, Protocol protocol, IPv4Address publicAddress, List<RelayLeg> legs,
                        int idleTimeout, String description) {

    /** Idle timeout when a request names none. */
    public static final int DEFAULT_IDLE_TIMEOUT = 300;

    public RelayRule {
        legs = List.copyOf(legs);
        description = description == null ? "" : description;
    }

    /** The same rule with another id. */
    public RelayRule withId(long newId) {
        return new RelayRule(newId, protocol, publicAddress, legs, idleTimeout, description);
    }

    /** The same rule with other legs. */
    public RelayRule withLegs(List<RelayLeg> newLegs) {
        return new RelayRule(id, protocol, publicAddress, newLegs, idleTimeout, description);
    }

    /** The index of the leg on a public port, or -1. */
    public int legOn(int port) {
        for (int i = 0; i < legs.size(); i++) {
            if (legs.get(i).publicPort() == port) {
                return i;
            }
        }
        return -1;
    }
}
