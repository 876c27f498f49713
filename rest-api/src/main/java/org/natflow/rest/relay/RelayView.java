package org.natflow.rest.relay;

import java.util.ArrayList;
import java.util.List;
import org.natflow.apps.relay.RelayLeg;
import org.natflow.apps.relay.RelayRule;
import org.natflow.apps.relay.RelayStatus;

/**
 * A relay rule as the API shows it.
 *
 * @param id                rule id
 * @param type              {@code rule} (TURN allocations show {@code turn})
 * @param protocol          udp or tcp
 * @param publicAddress     pool address of both legs
 * @param legs              the two legs, in order
 * @param idleTimeout       seconds without traffic before the bindings are released
 * @param description       free text
 * @param controllerPackets packets of this relay the controller saw (first packets, strangers)
 */
public record RelayView(long id, String type, String protocol, String publicAddress, List<LegView> legs,
                        int idleTimeout, String description, long controllerPackets) {

    /**
     * One leg.
     *
     * @param publicPort    its public port
     * @param allowedSource prefix its peer must come from, or null
     * @param boundPeer     the peer bound to it ({@code ip:port}), or null
     * @param packets       packets relayed from its peer (TCP: not counted, 0)
     * @param bytes         bytes relayed from its peer
     */
    public record LegView(int publicPort, String allowedSource, String boundPeer, long packets, long bytes) {
    }

    static RelayView of(RelayStatus s) {
        RelayRule r = s.rule();
        List<LegView> legs = new ArrayList<>();
        for (int i = 0; i < r.legs().size(); i++) {
            RelayLeg l = r.legs().get(i);
            RelayStatus.LegStatus ls = s.legs().get(i);
            legs.add(new LegView(l.publicPort(), l.allowedSource() == null ? null : l.allowedSource().toString(),
                    ls.boundPeer() == null ? null : ls.boundPeer().toString(), ls.packets(), ls.bytes()));
        }
        return new RelayView(r.id(), "rule", r.protocol().lower(), r.publicAddress().toString(), legs,
                r.idleTimeout(), r.description(), s.controllerPackets());
    }
}
