package org.natflow.apps.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.natflow.apps.AppCookies;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.FlowMods;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * The service link's flows on the border that has it (bands {@code SERVICE_*} of {@link Pipeline}).
 * <pre>
 * table 0    20 in_port=link                                  → goto 1
 * table 1  1100 in_port=link, arp                                → controller (answers for the alias)
 *           245 per conversation, in: remote → public:port       ⇒ alias:aport → service:sport, output link
 *           245 per conversation, out: in_port=link, service:sport → alias:aport ⇒ public:port → remote
 *               (public is a pool address, or the gateway address for an inside host; sport is the public
 *               port for a listening service, the socket's own port for one a service opened)
 *           236 per exposed public port, from the uplink          → controller (first packet of a conversation)
 *            70 in_port=link, ip                                  → controller (sent before its flows were in)
 *            69 in_port=link                                      → drop
 * </pre>
 * Conversation cookies: app {@link AppCookies#SERVICE}, value {@code protocol << 16 | aliasPort}.
 */
final class ServiceFlows {

    static final TableId NAT_TABLE = Pipeline.Table.NAT.id();
    static final U64 STATIC = AppCookies.cookie(AppCookies.SERVICE, 0);

    private final GatewayConfig nat;
    private final ServiceLinkConfig link;

    ServiceFlows(GatewayConfig nat, ServiceLinkConfig link) {
        this.nat = nat;
        this.link = link;
    }

    static U64 cookie(Protocol p, int aliasPort) {
        return AppCookies.cookie(AppCookies.SERVICE, (long) p.number() << 16 | aliasPort);
    }

    static int aliasPort(U64 cookie) {
        return (int) (cookie.getValue() & 0xffff);
    }

    static Protocol protocol(U64 cookie) {
        int n = (int) ((cookie.getValue() >>> 16) & 0xff);
        return n == 6 ? Protocol.TCP : n == 17 ? Protocol.UDP : null;
    }

    private static OFFlowAdd.Builder add(OFFactory f, Pipeline.Band band, Match m, U64 cookie) {
        return Pipeline.flow(f, band, m, cookie);
    }

    /** The link's static flows. */
    List<OFMessage> staticFlows(OFFactory f, OFPort linkPort) {
        List<OFMessage> out = new ArrayList<>();
        out.add(add(f, Pipeline.Band.SERVICE_TO_NAT, f.buildMatch().setExact(MatchField.IN_PORT, linkPort).build(), STATIC)
                .setInstructions(List.of(f.instructions().gotoTable(NAT_TABLE))).build());
        out.add(add(f, Pipeline.Band.SERVICE_ARP, f.buildMatch().setExact(MatchField.IN_PORT, linkPort)
                .setExact(MatchField.ETH_TYPE, EthType.ARP).build(), STATIC)
                .setInstructions(List.of(f.instructions().applyActions(List.of(FlowMods.toController(f))))).build());
        out.add(add(f, Pipeline.Band.SERVICE_LINK_PUNT, f.buildMatch().setExact(MatchField.IN_PORT, linkPort)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4).build(), STATIC)
                .setInstructions(List.of(f.instructions().applyActions(List.of(FlowMods.toController(f))))).build());
        out.add(add(f, Pipeline.Band.SERVICE_LINK_DROP, f.buildMatch().setExact(MatchField.IN_PORT, linkPort).build(), STATIC)
                .setInstructions(List.of()).build());
        return out;
    }

    private static IpProtocol proto(Protocol p) {
        return IpProtocol.of((short) p.number());
    }

    /** First packets to an exposed public port come to the controller. */
    OFMessage exposed(OFFactory f, OFPort uplink, Protocol p, org.projectfloodlight.openflow.types.IPv4Address pub,
                      int port) {
        Match m = f.buildMatch().setExact(MatchField.IN_PORT, uplink).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, proto(p)).setExact(MatchField.IPV4_DST, pub)
                .setExact(p == Protocol.TCP ? MatchField.TCP_DST : MatchField.UDP_DST, TransportPort.of(port)).build();
        return add(f, Pipeline.Band.SERVICE_EXPOSED, m, STATIC)
                .setInstructions(List.of(f.instructions().applyActions(List.of(FlowMods.toController(f))))).build();
    }

    OFMessage unexposed(OFFactory f, OFPort uplink, Protocol p, org.projectfloodlight.openflow.types.IPv4Address pub,
                        int port) {
        OFFlowAdd a = (OFFlowAdd) exposed(f, uplink, p, pub, port);
        return f.buildFlowDeleteStrict().setTableId(NAT_TABLE).setPriority(Pipeline.Band.SERVICE_EXPOSED.priority())
                .setMatch(a.getMatch()).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).build();
    }

    /**
     * A conversation's two flows, inbound (towards the service) first.
     *
     * @param remoteMac an inside remote's MAC, or the next hop's towards an outside one
     */
    List<OFMessage> conversation(OFFactory f, OFPort uplink, OFPort linkPort, Conversation c, MacAddress remoteMac,
                                 MacAddress serviceMac, int idle) {
        Protocol p = c.protocol();
        MatchField<TransportPort> src = p == Protocol.TCP ? MatchField.TCP_SRC : MatchField.UDP_SRC;
        MatchField<TransportPort> dst = p == Protocol.TCP ? MatchField.TCP_DST : MatchField.UDP_DST;
        TransportPort pubPort = TransportPort.of(c.publicSide().port());
        TransportPort alias = TransportPort.of(c.aliasPort());
        Match.Builder in = f.buildMatch();
        if (c.inside()) {
            HostDelivery.fromHost(in, c.switchPort()).setExact(MatchField.ETH_DST, nat.insideMac());
        } else {
            in.setExact(MatchField.IN_PORT, uplink);
        }
        in.setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, proto(p))
                .setExact(MatchField.IPV4_SRC, c.remote().address())
                .setExact(src, TransportPort.of(c.remote().port()))
                .setExact(MatchField.IPV4_DST, c.publicSide().address()).setExact(dst, pubPort);
        List<OFAction> inActions = new ArrayList<>();
        inActions.add(f.actions().setField(f.oxms().ipv4Src(link.aliasAddress())));
        inActions.add(f.actions().setField(f.oxms().ipv4Dst(link.serviceAddress())));
        inActions.add(p == Protocol.TCP ? f.actions().setField(f.oxms().tcpSrc(alias))
                : f.actions().setField(f.oxms().udpSrc(alias)));
        TransportPort servicePort = TransportPort.of(c.servicePort());
        if (c.servicePort() != c.publicSide().port()) {
            inActions.add(p == Protocol.TCP ? f.actions().setField(f.oxms().tcpDst(servicePort))
                    : f.actions().setField(f.oxms().udpDst(servicePort)));
        }
        inActions.add(f.actions().setField(f.oxms().ethSrc(link.aliasMac())));
        inActions.add(f.actions().setField(f.oxms().ethDst(serviceMac)));
        inActions.add(f.actions().output(linkPort, 0));
        Match out = f.buildMatch().setExact(MatchField.IN_PORT, linkPort).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, proto(p)).setExact(MatchField.IPV4_SRC, link.serviceAddress())
                .setExact(src, servicePort).setExact(MatchField.IPV4_DST, link.aliasAddress()).setExact(dst, alias)
                .build();
        List<OFAction> outActions = new ArrayList<>();
        outActions.add(f.actions().setField(f.oxms().ipv4Src(c.publicSide().address())));
        if (c.servicePort() != c.publicSide().port()) {
            outActions.add(p == Protocol.TCP ? f.actions().setField(f.oxms().tcpSrc(pubPort))
                    : f.actions().setField(f.oxms().udpSrc(pubPort)));
        }
        outActions.add(f.actions().setField(f.oxms().ipv4Dst(c.remote().address())));
        outActions.add(p == Protocol.TCP ? f.actions().setField(f.oxms().tcpDst(TransportPort.of(c.remote().port())))
                : f.actions().setField(f.oxms().udpDst(TransportPort.of(c.remote().port()))));
        outActions.add(f.actions().setField(f.oxms().ethSrc(c.inside() ? nat.insideMac() : nat.outsideMac())));
        outActions.add(f.actions().setField(f.oxms().ethDst(remoteMac)));
        U64 cookie = cookie(p, c.aliasPort());
        return List.of(add(f, Pipeline.Band.SERVICE_CONVERSATION, in.build(), cookie).setIdleTimeout(idle)
                        .setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM))
                        .setInstructions(List.of(f.instructions().applyActions(inActions))).build(),
                add(f, Pipeline.Band.SERVICE_CONVERSATION, out, cookie).setIdleTimeout(idle)
                        .setInstructions(HostDelivery.then(f, outActions, c.inside() ? c.switchPort() : uplink))
                        .build());
    }

    /** Deletes a conversation's flows. */
    OFMessage delete(OFFactory f, Protocol p, int aliasPort) {
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(cookie(p, aliasPort)).setCookieMask(U64.of(-1L)).setMatch(f.matchWildcardAll()).build();
    }
}
