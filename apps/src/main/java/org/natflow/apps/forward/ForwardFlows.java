package org.natflow.apps.forward;

import java.util.ArrayList;
import java.util.List;
import org.natflow.apps.AppCookies;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.HostLocation;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * A forward's flows in the border's NAT table, band {@link Pipeline.Band#FORWARD}: above dynamic mappings,
 * below hairpin pairs. Per public port: one inbound flow per allowed source prefix (one for everyone when
 * none is given) and one outbound flow that gives the server's replies the forward's public endpoint.
 */
final class ForwardFlows {

    private final GatewayConfig config;

    ForwardFlows(GatewayConfig config) {
        this.config = config;
    }

    static U64 cookie(long ruleId) {
        return AppCookies.cookie(AppCookies.FORWARD, ruleId);
    }

    List<OFMessage> install(Border b, PortForwardRule r, HostLocation host) {
        OFFactory f = b.factory();
        IpProtocol proto = IpProtocol.of((short) r.protocol().number());
        List<OFMessage> out = new ArrayList<>();
        List<IPv4AddressWithMask> sources = r.allowedSources().isEmpty() ? java.util.Collections.singletonList(null)
                : r.allowedSources();
        for (int i = 0; i < r.size(); i++) {
            TransportPort pub = TransportPort.of(r.publicPort() + i);
            TransportPort inside = TransportPort.of(r.insidePort() + i);
            List<OFAction> in = List.of(f.actions().setField(f.oxms().ipv4Dst(r.insideAddress())),
                    r.protocol() == Protocol.TCP ? f.actions().setField(f.oxms().tcpDst(inside))
                            : f.actions().setField(f.oxms().udpDst(inside)),
                    f.actions().setField(f.oxms().ethSrc(config.insideMac())),
                    f.actions().setField(f.oxms().ethDst(host.mac())), f.actions().decNwTtl());
            for (IPv4AddressWithMask src : sources) {
                Match.Builder m = f.buildMatch().setExact(MatchField.IN_PORT, b.uplink())
                        .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, proto)
                        .setExact(MatchField.IPV4_DST, r.publicAddress())
                        .setExact(r.protocol() == Protocol.TCP ? MatchField.TCP_DST : MatchField.UDP_DST, pub);
                if (src != null) {
                    m.setMasked(MatchField.IPV4_SRC, src.getValue(), src.getMask());
                }
                out.add(Pipeline.flow(f, Pipeline.Band.FORWARD, m.build(), cookie(r.id()))
                        .setInstructions(HostDelivery.then(f, in, host.port())).build());
            }
            Match outMatch = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.ETH_DST, config.insideMac()).setExact(MatchField.IP_PROTO, proto)
                    .setExact(MatchField.IPV4_SRC, r.insideAddress())
                    .setExact(r.protocol() == Protocol.TCP ? MatchField.TCP_SRC : MatchField.UDP_SRC, inside).build();
            List<OFAction> outActions = List.of(f.actions().setField(f.oxms().ipv4Src(r.publicAddress())),
                    r.protocol() == Protocol.TCP ? f.actions().setField(f.oxms().tcpSrc(pub))
                            : f.actions().setField(f.oxms().udpSrc(pub)),
                    f.actions().setField(f.oxms().ethSrc(config.outsideMac())), f.actions().decNwTtl());
            out.add(Pipeline.flow(f, Pipeline.Band.FORWARD, outMatch, cookie(r.id()))
                    .setInstructions(List.of(f.instructions().applyActions(outActions),
                            f.instructions().gotoTable(Pipeline.Table.ROUTE.id()))).build());
        }
        return out;
    }

    /** Removes every flow of a rule. */
    OFMessage remove(Border b, long ruleId) {
        OFFactory f = b.factory();
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(cookie(ruleId)).setCookieMask(U64.of(-1L)).setMatch(f.matchWildcardAll()).build();
    }
}
