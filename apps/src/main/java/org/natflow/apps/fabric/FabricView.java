package org.natflow.apps.fabric;

import java.util.List;
import org.natflow.controller.api.Dpid;

/**
 * The fabric as the controller sees it now.
 *
 * @param switches the connected switches
 * @param links    the discovered links, one entry per direction
 * @param hosts    the hosts seen on edge ports, with the border each one's gateway traffic goes to
 */
public record FabricView(List<SwitchNode> switches, List<Link> links, List<HostNode> hosts) {

    /**
     * A switch.
     *
     * @param dpid      its datapath id
     * @param border    whether it is a NAT border
     * @param edgePorts its ports that lead to hosts (up, settled, not a link, not an uplink)
     */
    public record SwitchNode(Dpid dpid, boolean border, List<Integer> edgePorts) {
    }

    /**
     * A host.
     *
     * @param host   where it is
     * @param border its border, or null when none is reachable
     */
    public record HostNode(FabricHost host, Dpid border) {
    }
}
