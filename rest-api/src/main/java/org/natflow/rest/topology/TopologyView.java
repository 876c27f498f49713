package org.natflow.rest.topology;

import java.util.List;
import org.natflow.apps.fabric.FabricView;
import org.natflow.apps.fabric.Link;

/**
 * {@code GET /api/v1/topology}.
 *
 * @param fabric   whether the campus fabric is on (else links are empty, and hosts are the inside hosts with NAT
 *                 mappings, where their newest mapping says they are, then those the gateway learned from their
 *                 packets, on the one border when there is one)
 * @param switches connected switches
 * @param links    links between switches, one entry per direction
 * @param hosts    hosts seen on edge ports
 */
public record TopologyView(boolean fabric, List<SwitchNode> switches, List<LinkView> links, List<HostView> hosts) {

    /**
     * A switch.
     *
     * @param dpid      datapath id
     * @param border    whether it is a NAT border
     * @param edgePorts port numbers leading to hosts (fabric only)
     */
    public record SwitchNode(String dpid, boolean border, List<Integer> edgePorts) {
    }

    /** One end of a link. */
    public record End(String dpid, int port) {
    }

    /** A link direction: what leaves {@code src} arrives at {@code dst}. */
    public record LinkView(End src, End dst) {
        static LinkView of(Link l) {
            return new LinkView(new End(l.src().toString(), l.srcPort()), new End(l.dst().toString(), l.dstPort()));
        }
    }

    /**
     * A host.
     *
     * @param mac      its MAC
     * @param ip       its IPv4 address, once seen
     * @param dpid     the switch it is on
     * @param port     the port there
     * @param border   the border its traffic to the gateway goes to (null: none reachable)
     * @param lastSeen epoch milliseconds of its last packet at the controller (without the fabric: of its newest
 *                 mapping)
     */
    public record HostView(String mac, String ip, String dpid, int port, String border, long lastSeen) {
    }

    static TopologyView of(FabricView v) {
        return new TopologyView(true,
                v.switches().stream().map(s -> new SwitchNode(s.dpid().toString(), s.border(), s.edgePorts())).toList(),
                v.links().stream().map(LinkView::of).toList(),
                v.hosts().stream().map(h -> new HostView(h.host().mac().toString(),
                        h.host().ip() == null ? null : h.host().ip().toString(), h.host().dpid().toString(),
                        h.host().port(), h.border() == null ? null : h.border().toString(), h.host().lastSeen()))
                        .toList());
    }
}
