package org.natflow.apps.relay;

import org.natflow.apps.HostDelivery;
import org.natflow.apps.ports.Endpoint;
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
        MacAddress mac = m.get(MatchField.ETH_SRC);
        if (src == null || port == null || (in == null && mac == null)) {
            return null;
        }
        Endpoint e = new Endpoint(src, port.getPort());
        if (uplink.equals(in)) {
            return new BoundPeer(e, false, null, null);
        }
        // An inside peer: its port, or none when it is across the fabric (the flow matches its MAC only).
        return mac == null ? null : new BoundPeer(e, true, mac, in == null ? HostDelivery.ACROSS_FABRIC : in);
    }
}
