package org.natflow.rest.topology;

import java.util.List;
import org.natflow.apps.border.Uplink;

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
 */
public record UplinkView(String port, String dpid, Integer portNumber, List<String> addresses, String border) {

    static UplinkView of(Uplink u, String border) {
        return new UplinkView(u.dpid() == null ? u.port() : null, u.dpid() == null ? null : u.dpid().toString(),
                u.dpid() == null ? null : u.portNumber(), u.addresses().stream().map(Object::toString).toList(), border);
    }
}
