package org.natflow.apps.relay;

import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;

/** Reads a relay's bindings back from its direction flows (after a controller restart). */
final class RelayFlowReader {

    private RelayFlowReader() {
    }

    /**
     * The peer whose packets a direction flow relays, or null if the flow does not look like one of ours.
     *
     * @param from   the direction flow from the peer
     * @param uplink the border's uplink (a flow matching it is for a peer beyond the uplink)
     */
    static BoundPeer peer(OFFlowStatsEntry from, OFPort uplink) {
        Match m = from.getMatch();
        IPv4Address src = m.get(MatchField.IPV4_SRC);
        TransportPort port = m.get(MatchField.UDP_SRC);
        if (port == null) {
            port = m.get(MatchField.TCP_SRC);
        }
        OFPort in = m.get(MatchField.IN_PORT);
        if (src == null || port == null || in == null) {
            return null;
        }
        Endpoint e = new Endpoint(src, port.getPort());
        if (in.equals(uplink)) {
            return new BoundPeer(e, false, null, null);
        }
        MacAddress mac = m.get(MatchField.ETH_SRC);
        return mac == null ? null : new BoundPeer(e, true, mac, in);
    }
}
