package org.natflow.rest.switches;

import java.time.Instant;
import java.util.List;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;

/**
 * A connected switch as the API shows it.
 *
 * @param dpid            datapath id, {@code 00:00:00:00:00:00:00:01}
 * @param openflowVersion negotiated version, e.g. {@code OF_13}
 * @param address         control-channel address of the switch (ip:port)
 * @param connectedAt     when the handshake completed
 * @param tables          number of flow tables
 * @param ports           ports by number
 */
public record SwitchView(String dpid, String openflowVersion, String address, Instant connectedAt, int tables,
                         List<PortView> ports) {

    /**
     * A switch port.
     *
     * @param number OpenFlow port number
     * @param name   port name
     * @param mac    hardware address
     * @param up     link up and not administratively down
     */
    public record PortView(long number, String name, String mac, boolean up) {

        static PortView of(SwitchPort p) {
            return new PortView(Integer.toUnsignedLong(p.number()), p.name(), p.mac().toString(), p.up());
        }
    }

    static SwitchView of(SwitchInfo s) {
        return new SwitchView(s.dpid().toString(), s.version().name(), s.address(), s.connectedAt(), s.tables(),
                s.ports().stream().map(PortView::of).toList());
    }
}
