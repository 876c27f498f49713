package org.natflow.apps.nat;

import java.util.List;
import java.util.function.Function;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Routes;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.Frames;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * What the NAT's slow paths share (ICMP and fragments, which the controller translates itself rather than
 * flows): the mappings, the counters, and sending a translated frame on, to its inside host or out of the
 * uplink to its next hop.
 */
final class SlowPath {

    final NatConfig config;
    final Mappings mappings;
    final NatMetrics metrics;
    private final PacketService packets;
    private final Routes routes;
    private final Function<Dpid, Border> borders;

    SlowPath(NatConfig config, Mappings mappings, NatMetrics metrics, PacketService packets, Routes routes,
             Function<Dpid, Border> borders) {
        this.config = config;
        this.mappings = mappings;
        this.metrics = metrics;
        this.packets = packets;
        this.routes = routes;
        this.borders = borders;
    }

    /** Sends a translated frame to the inside host of a mapping, from the gateway's inside MAC. */
    void toHost(NatSession s, byte[] frame) {
        Border b = borders.apply(s.dpid());
        if (b != null) {
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(s.switchPort(), 0)),
                    Frames.withMacs(frame, config.insideMac(), s.insideMac()));
        }
    }

    /** Sends a translated frame out of a border's uplink to the next hop for {@code dst}. */
    void toUplink(Border b, IPv4Address dst, byte[] frame) {
        routes.sendOut(b, dst, frame);
    }
}
