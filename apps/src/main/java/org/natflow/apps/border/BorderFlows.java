package org.natflow.apps.border;

import static org.natflow.controller.api.FlowMods.apply;
import static org.natflow.controller.api.FlowMods.toController;

import java.util.List;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.apps.Pipeline.Band;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.ArpOpcode;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * The border platform's own flows ({@link AppCookies#BORDER}): the pipeline's skeleton (gateway and uplink
 * traffic goes on to the NAT table, whose miss goes to the controller), the gateway's ARP duties, and the route
 * table that sends translated packets out of the uplink. Their bands are in {@link Pipeline}.
 */
final class BorderFlows {

    /** Static flows: value 0. */
    static final U64 STATIC = AppCookies.cookie(AppCookies.BORDER, 0);
    /** ARP responders (the switch answers known requesters while the controller is away). */
    static final U64 ARP_RESPONDER = AppCookies.cookie(AppCookies.BORDER, 1);
    /** Routes in the route table. */
    static final U64 ROUTE = AppCookies.cookie(AppCookies.BORDER, 2);

    private BorderFlows() {
    }

    /**
     * Traffic to the gateway's MAC or from the uplink goes on to the NAT table; what nothing takes there, and ARP
     * from the uplink, comes to the controller.
     */
    static List<OFMessage> skeleton(OFFactory f, OFPort uplink, MacAddress gatewayMac) {
        List<OFInstruction> toNat = List.of(f.instructions().gotoTable(Pipeline.Table.NAT.id()));
        return List.of(
                Pipeline.flow(f, Band.BORDER_TO_NAT, f.buildMatch().setExact(MatchField.ETH_DST, gatewayMac).build(),
                        STATIC).setInstructions(toNat).build(),
                Pipeline.flow(f, Band.BORDER_TO_NAT, f.buildMatch().setExact(MatchField.IN_PORT, uplink).build(),
                        STATIC).setInstructions(toNat).build(),
                Pipeline.flow(f, Band.BORDER_NAT_MISS, f.matchWildcardAll(), STATIC)
                        .setInstructions(apply(f, List.of(toController(f)))).build(),
                Pipeline.flow(f, Band.GATEWAY_UPLINK_ARP, f.buildMatch().setExact(MatchField.IN_PORT, uplink)
                        .setExact(MatchField.ETH_TYPE, EthType.ARP).build(), STATIC)
                        .setInstructions(apply(f, List.of(toController(f)))).build());
    }

    /**
     * Answers, in the switch, the ARP request this requester just made, from now on: the gateway keeps
     * answering its neighbours' ARP refreshes while the controller is away (restart, upgrade). Built from
     * constants only, so plain OpenFlow 1.3 set-field does it. Idles out after an hour without requests.
     */
    static OFMessage arpResponder(OFFactory f, OFPort inPort, IPv4Address requesterIp, MacAddress requesterMac,
                                  IPv4Address target, MacAddress mac) {
        Match.Builder m = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP)
                .setExact(MatchField.ARP_OP, ArpOpcode.REQUEST)
                .setExact(MatchField.ARP_SPA, requesterIp).setExact(MatchField.ARP_TPA, target);
        if (inPort != null) {
            m.setExact(MatchField.IN_PORT, inPort);
        }
        List<OFAction> reply = List.of(
                f.actions().setField(f.oxms().ethDst(requesterMac)),
                f.actions().setField(f.oxms().ethSrc(mac)),
                f.actions().setField(f.oxms().arpOp(ArpOpcode.REPLY)),
                f.actions().setField(f.oxms().arpTha(requesterMac)),
                f.actions().setField(f.oxms().arpTpa(requesterIp)),
                f.actions().setField(f.oxms().arpSha(mac)),
                f.actions().setField(f.oxms().arpSpa(target)),
                f.actions().output(OFPort.IN_PORT, 0));
        return Pipeline.flow(f, Band.GATEWAY_ARP_RESPONDER, m.build(), ARP_RESPONDER).setIdleTimeout(3600)
                .setInstructions(apply(f, reply)).build();
    }

    /** Deletes, in table 0, every responder flow that answers for {@code target}. */
    static OFMessage deleteArpResponders(OFFactory f, IPv4Address target) {
        return f.buildFlowDelete().setTableId(Band.GATEWAY_ARP_RESPONDER.tableId())
                .setOutPort(OFPort.ANY).setOutGroup(org.projectfloodlight.openflow.types.OFGroup.ANY)
                .setCookie(ARP_RESPONDER).setCookieMask(U64.of(-1L))
                .setMatch(f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.ARP)
                        .setExact(MatchField.ARP_TPA, target).build()).build();
    }

    /** The route table's static flows: the uplink subnet is resolved by the controller, as is anything unrouted. */
    static List<OFMessage> routeTable(OFFactory f, IPv4AddressWithMask publicNetwork) {
        return List.of(
                Pipeline.flow(f, Band.ROUTE_ONLINK, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                        .setMasked(MatchField.IPV4_DST, publicNetwork.getValue(), publicNetwork.getMask()).build(),
                        STATIC).setInstructions(apply(f, List.of(toController(f)))).build(),
                Pipeline.flow(f, Band.ROUTE_MISS, f.matchWildcardAll(), STATIC)
                        .setInstructions(apply(f, List.of(toController(f)))).build());
    }

    /** Route to an on-link host (or, with {@code dst} null, the default route via the upstream gateway). */
    static OFMessage route(OFFactory f, OFPort uplink, IPv4Address dst, MacAddress mac) {
        Match.Builder m = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4);
        if (dst != null) {
            m.setExact(MatchField.IPV4_DST, dst);
        }
        return Pipeline.flow(f, dst != null ? Band.ROUTE_HOST : Band.ROUTE_DEFAULT, m.build(), ROUTE)
                .setInstructions(apply(f, List.of(f.actions().setField(f.oxms().ethDst(mac)),
                        f.actions().output(uplink, 0)))).build();
    }
}
