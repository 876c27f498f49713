package org.natflow.controller.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * A snapshot of a connected switch.
 *
 * @param dpid        datapath id
 * @param version     negotiated OpenFlow version
 * @param address     the switch's control-channel address (ip:port)
 * @param connectedAt when the handshake completed
 * @param tables      number of flow tables the switch reported
 * @param ports       ports, ordered by number
 */
public record SwitchInfo(Dpid dpid, OFVersion version, String address, Instant connectedAt, int tables,
                         List<SwitchPort> ports) {

    public SwitchInfo {
        ports = List.copyOf(ports);
    }

    /** The message factory for this switch's version; build every message for it here. */
    public OFFactory factory() {
        return OFFactories.getFactory(version);
    }

    /** The port with this name, if the switch has one. */
    public Optional<SwitchPort> port(String name) {
        return ports.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The port with this number, if the switch has one. */
    public Optional<SwitchPort> port(int number) {
        return ports.stream().filter(p -> p.number() == number).findFirst();
    }
}
