package org.natflow.apps.relay;

import java.util.List;
import org.natflow.apps.ports.Endpoint;

/**
 * A relay rule with its live state.
 *
 * @param rule              the rule
 * @param legs              per leg, in order: its bound peer and what it sent
 * @param controllerPackets packets of this relay that reached the controller (first packets, strangers)
 */
public record RelayStatus(RelayRule rule, List<LegStatus> legs, long controllerPackets) {

    /**
     * One leg's state.
     *
     * @param boundPeer the peer bound to it, or null
     * @param packets   packets relayed from its peer
     * @param bytes     bytes relayed from its peer
     */
    public record LegStatus(Endpoint boundPeer, long packets, long bytes) {
    }
}
