package org.natflow.apps.fabric;

import java.util.List;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.apps.Pipeline.Band;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowMods;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * The fabric's flows. On every switch:
 *
 * <pre>
 * table 0  2000 LLDP                                   → controller (link discovery)
 *            15 ARP                                    → controller (hosts learned, proxy answers, edge delivery)
 *             1 anything else                          → goto 3
 *  (borders: 500 from host X to the gateway MAC, X translated by another border → goto 3, past the NAT)
 * table 3   101 on borders: in_port P, to host X, X's way on is P → in_port (a translated packet turning back)
 *           100 to host X                               → output: X's port, or the next hop towards X's switch
 *           100 from host X to the gateway MAC          → output: the next hop towards X's border
 *             0 anything else                           → controller (unknown or broadcast: delivered to edges)
 * </pre>
 *
 * The NAT's classify flows (table 0, priority 20 and up) take gateway and uplink traffic on borders first.
 */
final class FabricFlows {


    /** Kinds of flows, the cookie's value. */
    enum Kind { STATIC, TO_HOST, TO_GATEWAY, TRANSIT, TURN_BACK }

    static U64 cookie(Kind kind) {
        return AppCookies.cookie(AppCookies.FABRIC, kind.ordinal());
    }

    /** One computed forwarding entry: a kind of flow for a host on a switch, and where it sends. */
    record Entry(Dpid dpid, Kind kind, MacAddress mac, int port) {
    }

    private FabricFlows() {
    }

    private static OFFlowAdd.Builder add(OFFactory f, Band band, Match match, Kind kind) {
        return Pipeline.flow(f, band, match, cookie(kind));
    }

    private static List<OFInstruction> toController(OFFactory f) {
        return FlowMods.apply(f, List.of(FlowMods.toController(f)));
    }

    /** Deletes every fabric flow of a switch (a clean start after it connects). */
    static OFMessage deleteAll(OFFactory f) {
        return AppCookies.deleteAll(f, AppCookies.FABRIC);
    }

    /** The flows every fabric switch has. */
    static List<OFMessage> staticFlows(OFFactory f) {
        return List.of(
                add(f, Band.FABRIC_LLDP, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.LLDP).build(),
                        Kind.STATIC).setInstructions(toController(f)).build(),
                add(f, Band.FABRIC_ARP, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP).build(),
                        Kind.STATIC).setInstructions(toController(f)).build(),
                add(f, Band.FABRIC_TO_FABRIC, f.matchWildcardAll(), Kind.STATIC)
                        .setInstructions(List.of(f.instructions().gotoTable(Pipeline.Table.FABRIC.id()))).build(),
                add(f, Band.FABRIC_MISS, f.matchWildcardAll(), Kind.STATIC)
                        .setInstructions(toController(f)).build());
    }

    private static Match match(OFFactory f, Entry e, MacAddress gateway) {
        Match.Builder m = f.buildMatch();
        switch (e.kind()) {
            case TO_HOST -> m.setExact(MatchField.ETH_DST, e.mac());
            case TURN_BACK -> m.setExact(MatchField.IN_PORT, OFPort.of(e.port())).setExact(MatchField.ETH_DST, e.mac());
            case TO_GATEWAY, TRANSIT -> m.setExact(MatchField.ETH_SRC, e.mac()).setExact(MatchField.ETH_DST, gateway);
            default -> throw new IllegalArgumentException(e.kind().toString());
        }
        return m.build();
    }

    private static Band band(Kind kind) {
        return switch (kind) {
            case TRANSIT -> Band.FABRIC_TRANSIT;
            case TURN_BACK -> Band.FABRIC_TURN_BACK;
            default -> Band.FABRIC_HOST;
        };
    }

    /** Installs (or replaces) an entry's flow. */
    static OFMessage install(OFFactory f, Entry e, MacAddress gateway) {
        List<OFInstruction> instructions = switch (e.kind()) {
            case TRANSIT -> List.of(f.instructions().gotoTable(Pipeline.Table.FABRIC.id()));
            case TURN_BACK -> List.of(f.instructions().applyActions(List.of(f.actions().output(OFPort.IN_PORT, 0))));
            default -> List.of(f.instructions().applyActions(List.of(f.actions().output(OFPort.of(e.port()), 0))));
        };
        return add(f, band(e.kind()), match(f, e, gateway), e.kind())
                .setInstructions(instructions).build();
    }

    /** Removes an entry's flow. */
    static OFMessage remove(OFFactory f, Entry e, MacAddress gateway) {
        return f.buildFlowDeleteStrict().setTableId(band(e.kind()).tableId()).setPriority(band(e.kind()).priority())
                .setMatch(match(f, e, gateway)).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).build();
    }
}
