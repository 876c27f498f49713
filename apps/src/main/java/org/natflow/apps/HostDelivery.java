package org.natflow.apps;

import java.util.ArrayList;
import java.util.List;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * How a border delivers to an inside host. On a single switch the host is behind one of the border's ports,
 * and flows output there. Across a campus fabric the border's way to the host changes with the topology, so
 * the host's "port" is {@link #ACROSS_FABRIC} and flows hand the packet, addressed to the host's MAC, to the
 * fabric table instead; rerouting then never touches NAT, forward or relay flows.
 *
 * <p>The tables are {@link Pipeline.Table}'s.
 */
public final class HostDelivery {

    /**
     * The port recorded for a host reached across the fabric. OFPP_TABLE: a packet-out to it runs the
     * switch's tables, which forward it by MAC; in flow-mods it becomes a goto to the fabric table.
     */
    public static final OFPort ACROSS_FABRIC = OFPort.TABLE;

    private HostDelivery() {
    }

    /** Whether a host port means "across the fabric". */
    public static boolean acrossFabric(OFPort hostPort) {
        return ACROSS_FABRIC.equals(hostPort);
    }

    /**
     * Instructions that apply {@code actions} and then deliver: output to {@code out}, or for a host across
     * the fabric a goto to the fabric table.
     */
    public static List<OFInstruction> then(OFFactory f, List<OFAction> actions, OFPort out) {
        if (acrossFabric(out)) {
            return List.of(f.instructions().applyActions(actions), f.instructions().gotoTable(Pipeline.Table.FABRIC.id()));
        }
        List<OFAction> all = new ArrayList<>(actions);
        all.add(f.actions().output(out, 0));
        return List.of(f.instructions().applyActions(all));
    }

    /** Restricts a match to packets from a host's port; across the fabric the ingress port says nothing. */
    public static Match.Builder fromHost(Match.Builder m, OFPort hostPort) {
        if (!acrossFabric(hostPort)) {
            m.setExact(MatchField.IN_PORT, hostPort);
        }
        return m;
    }
}
