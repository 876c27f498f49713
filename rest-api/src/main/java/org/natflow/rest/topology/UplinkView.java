package org.natflow.rest.topology;

import java.util.List;
import org.natflow.apps.border.Uplink;
import org.natflow.services.turn.UpstreamNatProbe;

/**
 * An uplink, in requests and answers of {@code /api/v1/uplinks}. Give {@code port} (a port name: the first
 * switch with it that becomes a border keeps it; {@code *}{@code /NAME}: every switch with a port of that name),
 * or {@code dpid} and {@code portNumber} (that port of that switch).
 *
 * @param port       the port's name, e.g. {@code b1-eth1}, or {@code *}{@code /b1-eth1}
 * @param dpid       the switch, with {@code portNumber}
 * @param portNumber the OpenFlow port number, with {@code dpid}
 * @param addresses  pool addresses and ranges of this uplink's border (in answers: all of them, resolved);
 *                   none: a share of the addresses no uplink names
 * @param border     in answers: the dpid of the switch that is a border through it now, or null
 * @param upstreamNat in answers: what RFC 5780 behaviour discovery from this uplink's first pool address found
 *                   about a NAT beyond it ({@code natflow.upstream-nat.stun-server}), or null
 */
public record UplinkView(String port, String dpid, Integer portNumber, List<String> addresses, String border,
                         UpstreamNatProbe.Result upstreamNat) {

    /** An uplink as a request gives it. */
    public UplinkView(String port, String dpid, Integer portNumber, List<String> addresses, String border) {
        this(port, dpid, portNumber, addresses, border, null);
    }

    static UplinkView of(Uplink u, String border, UpstreamNatProbe.Result upstreamNat) {
        return new UplinkView(u.dpid() == null ? u.port() : null, u.dpid() == null ? null : u.dpid().toString(),
                u.dpid() == null ? null : u.portNumber(), u.addresses().stream().map(Object::toString).toList(), border,
                upstreamNat);
    }
}
