package org.natflow.apps.vpn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.apps.Pipeline.Band;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.GatewayConfig;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * The VPN's flows on its border: the link into table 1, the endpoint's outer UDP between the uplink and the
 * link, and per peer its borrowed address both ways, untranslated (it is the peer's own global address). The
 * cookie's value is the peer id, 0 for the link's own flows.
 */
final class VpnFlows {

    static final U64 LINK = AppCookies.cookie(AppCookies.VPN, 0);

    private final GatewayConfig gateway;
    private final VpnConfig config;

    VpnFlows(GatewayConfig gateway, VpnConfig config) {
        this.gateway = gateway;
        this.config = config;
    }

    static U64 cookie(long peerId) {
        return AppCookies.cookie(AppCookies.VPN, peerId);
    }

    /**
     * The link's flows: into the NAT table; the endpoint's outer packets, the first pool address's port to and
     * from the namespace's link address (stateless, like a forward of one port; the namespace's own ICMP errors
     * leave from the pool address too); and a drop of anything else from the link.
     */
    List<OFMessage> link(Border b, OFPort link, MacAddress linkMac, IPv4Address linkAddress) {
        OFFactory f = b.factory();
        IPv4Address endpoint = gateway.publicAddresses().get(0);
        Match in = f.buildMatch().setExact(MatchField.IN_PORT, b.uplink()).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, IpProtocol.UDP).setExact(MatchField.IPV4_DST, endpoint)
                .setExact(MatchField.UDP_DST, TransportPort.of(config.port())).build();
        Match out = f.buildMatch().setExact(MatchField.IN_PORT, link).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_SRC, linkAddress).build();
        List<OFAction> toLink = new ArrayList<>(List.of(f.actions().setField(f.oxms().ipv4Dst(linkAddress))));
        toLink.addAll(toLink(f, link, linkMac, false));
        List<OFAction> fromLink = List.of(f.actions().setField(f.oxms().ipv4Src(endpoint)),
                f.actions().setField(f.oxms().ethSrc(gateway.outsideMac())));
        return List.of(
                Pipeline.flow(f, Band.VPN_TO_NAT, f.buildMatch().setExact(MatchField.IN_PORT, link).build(), LINK)
                        .setInstructions(List.of(f.instructions().gotoTable(Pipeline.Table.NAT.id()))).build(),
                Pipeline.flow(f, Band.VPN_ENDPOINT, in, LINK)
                        .setInstructions(List.of(f.instructions().applyActions(toLink))).build(),
                Pipeline.flow(f, Band.VPN_ENDPOINT, out, LINK).setInstructions(List.of(
                        f.instructions().applyActions(fromLink),
                        f.instructions().gotoTable(Pipeline.Table.ROUTE.id()))).build(),
                Pipeline.flow(f, Band.VPN_LINK_DROP, f.buildMatch().setExact(MatchField.IN_PORT, link).build(), LINK)
                        .setInstructions(List.of()).build());
    }

    /** A peer's borrowed address: from the link out of the uplink, and in from the uplink (allowed sources). */
    List<OFMessage> peer(Border b, OFPort link, MacAddress linkMac, VpnPeer p) {
        OFFactory f = b.factory();
        List<OFMessage> out = new ArrayList<>();
        Match fromPeer = f.buildMatch().setExact(MatchField.IN_PORT, link).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_SRC, p.address()).build();
        out.add(Pipeline.flow(f, Band.VPN_PEER, fromPeer, cookie(p.id())).setInstructions(toUplink(f, true)).build());
        Match hairpin = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.ETH_DST, gateway.insideMac()).setExact(MatchField.IPV4_DST, p.address()).build();
        out.add(Pipeline.flow(f, Band.VPN_HAIRPIN_FIRST, hairpin, cookie(p.id()))
                .setInstructions(org.natflow.controller.api.FlowMods.apply(f,
                        List.of(org.natflow.controller.api.FlowMods.toController(f)))).build());
        List<IPv4AddressWithMask> sources = p.allowedSources().isEmpty() ? Collections.singletonList(null)
                : p.allowedSources();
        for (IPv4AddressWithMask src : sources) {
            Match.Builder m = f.buildMatch().setExact(MatchField.IN_PORT, b.uplink())
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IPV4_DST, p.address());
            if (src != null) {
                m.setMasked(MatchField.IPV4_SRC, src.getValue(), src.getMask());
            }
            out.add(Pipeline.flow(f, Band.VPN_PEER, m.build(), cookie(p.id())).setInstructions(List.of(
                    f.instructions().applyActions(toLink(f, link, linkMac, true)))).build());
        }
        return out;
    }

    /** Deletes one peer's flows. */
    OFMessage remove(Border b, long peerId) {
        OFFactory f = b.factory();
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(cookie(peerId)).setCookieMask(U64.of(-1L)).setMatch(f.matchWildcardAll()).build();
    }

    private List<OFAction> toLink(OFFactory f, OFPort link, MacAddress linkMac, boolean routed) {
        List<OFAction> a = new ArrayList<>(List.of(f.actions().setField(f.oxms().ethSrc(gateway.outsideMac())),
                f.actions().setField(f.oxms().ethDst(linkMac))));
        if (routed) {
            a.add(f.actions().decNwTtl());
        }
        a.add(f.actions().output(link, 0));
        return a;
    }

    private List<org.projectfloodlight.openflow.protocol.instruction.OFInstruction> toUplink(OFFactory f,
                                                                                          boolean routed) {
        List<OFAction> a = new ArrayList<>(List.of(f.actions().setField(f.oxms().ethSrc(gateway.outsideMac()))));
        if (routed) {
            a.add(f.actions().decNwTtl());
        }
        return List.of(f.instructions().applyActions(a), f.instructions().gotoTable(Pipeline.Table.ROUTE.id()));
    }
}
