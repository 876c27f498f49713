package org.natflow.apps.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.natflow.apps.AppCookies;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.ports.Protocol;
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
 * A UDP relay's flows in the border's NAT table (bands {@code RELAY_*} of {@link Pipeline}).
 * <pre>
 * 240 per direction, once both legs are bound: peer i → public:leg i  ⇒ public:leg j → peer j
 * 235 per leg, from the uplink to public:leg: unbound → controller (binds the first sender);
 *     bound → drop (strangers), idling out while the other leg waits for its peer
 * </pre>
 * Cookies: app {@link AppCookies#RELAY}, value {@code ruleId << 4 | kind}, kind 0/1 the legs' flows and 2/3
 * the directions from leg 0 and from leg 1, so bindings can be read back from a flow table.
 */
final class RelayFlows {

    static final int KIND_DIRECTION = 2;

    private final GatewayConfig config;

    RelayFlows(GatewayConfig config) {
        this.config = config;
    }

    static U64 cookie(long ruleId, int kind) {
        return AppCookies.cookie(AppCookies.RELAY, ruleId << 4 | kind);
    }

    static long ruleId(U64 cookie) {
        return (cookie.getValue() & 0x0000_ffff_ffff_ffffL) >>> 4;
    }

    static int kind(U64 cookie) {
        return (int) (cookie.getValue() & 0xf);
    }

    private static IpProtocol proto(RelayRule r) {
        return IpProtocol.of((short) r.protocol().number());
    }

    private static MatchField<TransportPort> dstField(Protocol p) {
        return p == Protocol.TCP ? MatchField.TCP_DST : MatchField.UDP_DST;
    }

    private static MatchField<TransportPort> srcField(Protocol p) {
        return p == Protocol.TCP ? MatchField.TCP_SRC : MatchField.UDP_SRC;
    }

    private Match legMatch(OFFactory f, OFPort uplink, RelayRule r, int leg, boolean allowedOnly) {
        Match.Builder m = f.buildMatch().setExact(MatchField.IN_PORT, uplink)
                .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, proto(r))
                .setExact(MatchField.IPV4_DST, r.publicAddress())
                .setExact(dstField(r.protocol()), TransportPort.of(r.legs().get(leg).publicPort()));
        RelayLeg l = r.legs().get(leg);
        if (allowedOnly && l.allowedSource() != null) {
            m.setMasked(MatchField.IPV4_SRC, l.allowedSource().getValue(), l.allowedSource().getMask());
        }
        return m.build();
    }

    private static OFFlowAdd.Builder add(OFFactory f, Pipeline.Band band, Match m, U64 cookie) {
        return Pipeline.flow(f, band, m, cookie);
    }

    /** An unbound leg: its first packets come to the controller (allowed sources only). */
    OFMessage legPunt(OFFactory f, OFPort uplink, RelayRule r, int leg) {
        return add(f, Pipeline.Band.RELAY_LEG, legMatch(f, uplink, r, leg, true), cookie(r.id(), leg))
                .setInstructions(List.of(f.instructions().applyActions(List.of(f.actions().buildOutput()
                        .setPort(OFPort.CONTROLLER).setMaxLen(0xffff).build())))).build();
    }

    /**
     * A bound leg: strangers are dropped in the switch. With {@code idleTimeout} above zero the flow reports
     * its removal, so a leg whose partner never comes is released.
     */
    OFMessage legDrop(OFFactory f, OFPort uplink, RelayRule r, int leg, int idleTimeout) {
        OFFlowAdd.Builder b = add(f, Pipeline.Band.RELAY_LEG, legMatch(f, uplink, r, leg, false), cookie(r.id(), leg))
                .setInstructions(List.of());
        if (idleTimeout > 0) {
            b.setIdleTimeout(idleTimeout).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM));
        }
        return b.build();
    }

    /**
     * The flow relaying what {@code from} (bound to leg {@code leg}) sends to the peer of the other leg.
     *
     * @param toMac an inside peer's MAC, or the next hop's towards an outside one
     */
    OFMessage direction(OFFactory f, OFPort uplink, RelayRule r, int leg, BoundPeer from, BoundPeer to,
                        MacAddress toMac) {
        Protocol p = r.protocol();
        Match.Builder m = f.buildMatch();
        if (from.inside()) {
            HostDelivery.fromHost(m, from.switchPort()).setExact(MatchField.ETH_SRC, from.mac())
                    .setExact(MatchField.ETH_DST, config.insideMac());
        } else {
            m.setExact(MatchField.IN_PORT, uplink);
        }
        m.setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, proto(r))
                .setExact(MatchField.IPV4_SRC, from.endpoint().address())
                .setExact(srcField(p), TransportPort.of(from.endpoint().port()))
                .setExact(MatchField.IPV4_DST, r.publicAddress())
                .setExact(dstField(p), TransportPort.of(r.legs().get(leg).publicPort()));
        int other = 1 - leg;
        List<OFAction> a = new ArrayList<>();
        a.add(f.actions().setField(f.oxms().ipv4Src(r.publicAddress())));
        a.add(f.actions().setField(f.oxms().ipv4Dst(to.endpoint().address())));
        TransportPort srcPort = TransportPort.of(r.legs().get(other).publicPort());
        TransportPort dstPort = TransportPort.of(to.endpoint().port());
        if (p == Protocol.TCP) {
            a.add(f.actions().setField(f.oxms().tcpSrc(srcPort)));
            a.add(f.actions().setField(f.oxms().tcpDst(dstPort)));
        } else {
            a.add(f.actions().setField(f.oxms().udpSrc(srcPort)));
            a.add(f.actions().setField(f.oxms().udpDst(dstPort)));
        }
        a.add(f.actions().setField(f.oxms().ethSrc(to.inside() ? config.insideMac() : config.outsideMac())));
        a.add(f.actions().setField(f.oxms().ethDst(toMac)));
        a.add(f.actions().decNwTtl());
        OFPort out;
        if (to.inside()) {
            out = from.inside() && from.switchPort().equals(to.switchPort())
                    && !HostDelivery.acrossFabric(to.switchPort()) ? OFPort.IN_PORT : to.switchPort();
        } else {
            out = from.inside() ? uplink : OFPort.IN_PORT; // a packet may leave by the port it came in on only so
        }
        return add(f, Pipeline.Band.RELAY_DIRECTION, m.build(), cookie(r.id(), KIND_DIRECTION + leg))
                .setIdleTimeout(r.idleTimeout()).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM))
                .setInstructions(HostDelivery.then(f, a, out)).build();
    }

    /** Deletes one flow kind of a rule. */
    OFMessage delete(OFFactory f, long ruleId, int kind) {
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(cookie(ruleId, kind)).setCookieMask(U64.of(-1L)).setMatch(f.matchWildcardAll()).build();
    }

    /** Deletes every flow of a rule. */
    OFMessage deleteAll(OFFactory f, long ruleId) {
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(cookie(ruleId, 0)).setCookieMask(U64.of(0xffff_ffff_ffff_fff0L))
                .setMatch(f.matchWildcardAll()).build();
    }
}
