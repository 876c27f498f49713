package org.natflow.apps.staticnat;

import static org.natflow.controller.api.FlowMods.apply;
import static org.natflow.controller.api.FlowMods.toController;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.natflow.apps.AppCookies;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.Pipeline.Band;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.HostLocation;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.ICMPv4Type;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * A static NAT's flows on its border, all stateless rewrites of one address ({@link Band#STATIC_NAT} and the
 * bands around it). Cookies carry the rule id and the flow's {@link Kind}, so a packet-in says why it came and
 * a remote's flows can be told from the rule's own.
 */
final class StaticNatFlows {

    /** What a flow of a rule is for; its ordinal is in the cookie's bits 32-39. */
    enum Kind {
        /** Inbound from allowed sources, outbound. */
        RULE,
        /** A remote the host sent to (allow list given), both ways. */
        REMOTE,
        /** The host's packets to remotes not yet let back in (allow list given) → controller. */
        LEARN,
        /** ICMP errors about the static address → controller. */
        ICMP_ERROR,
        /** Inside hosts sending to the static address → controller (the NAT's hairpinning). */
        HAIRPIN,
        /** The host's packets to inside networks → controller, as without a static address. */
        INSIDE
    }

    /** ICMP errors whose embedded datagram is translated: unreachable, time exceeded, parameter problem. */
    static final List<Integer> ERROR_TYPES = List.of(3, 11, 12);
    private static final U64 RULE_MASK = U64.of(0xffff_0000_ffff_ffffL);

    private final GatewayConfig gateway;

    StaticNatFlows(GatewayConfig gateway) {
        this.gateway = gateway;
    }

    static U64 cookie(long ruleId, Kind kind) {
        return AppCookies.cookie(AppCookies.STATIC_NAT, ((long) kind.ordinal() << 32) | (ruleId & 0xffff_ffffL));
    }

    /** The rule id in a cookie of this app. */
    static long ruleId(U64 cookie) {
        return cookie.getValue() & 0xffff_ffffL;
    }

    /** The kind of flow a cookie of this app names, or null if it names none. */
    static Kind kind(U64 cookie) {
        int k = (int) ((cookie.getValue() >>> 32) & 0xff);
        return k < Kind.values().length ? Kind.values()[k] : null;
    }

    /** Every flow of a rule but its remotes', for its host at {@code host}. */
    List<OFMessage> install(Border b, StaticNatRule r, HostLocation host) {
        OFFactory f = b.factory();
        List<OFMessage> out = new ArrayList<>();
        U64 rule = cookie(r.id(), Kind.RULE);
        List<IPv4AddressWithMask> sources = r.openToAll() ? java.util.Collections.singletonList(null)
                : r.allowedSources();
        for (IPv4AddressWithMask src : sources) {
            Match.Builder in = inbound(f, b, r);
            Match.Builder outbound = outbound(f, r, host);
            if (src != null) {
                in.setMasked(MatchField.IPV4_SRC, src.getValue(), src.getMask());
                outbound.setMasked(MatchField.IPV4_DST, src.getValue(), src.getMask());
            }
            out.add(Pipeline.flow(f, Band.STATIC_NAT, in.build(), rule).setInstructions(toHost(f, r, host)).build());
            out.add(Pipeline.flow(f, Band.STATIC_NAT, outbound.build(), rule).setInstructions(toUplink(f, r)).build());
        }
        if (!r.openToAll()) {
            out.add(Pipeline.flow(f, Band.STATIC_NAT_LEARN, outbound(f, r, host).build(), cookie(r.id(), Kind.LEARN))
                    .setInstructions(apply(f, List.of(toController(f)))).build());
        }
        for (IPv4AddressWithMask n : gateway.insideNetworks()) {
            Match m = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.ETH_DST, gateway.insideMac()).setExact(MatchField.IPV4_SRC, r.insideAddress())
                    .setMasked(MatchField.IPV4_DST, n.getValue(), n.getMask()).build();
            out.add(Pipeline.flow(f, Band.STATIC_NAT_INSIDE, m, cookie(r.id(), Kind.INSIDE))
                    .setInstructions(apply(f, List.of(toController(f)))).build());
        }
        Match hairpin = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.ETH_DST, gateway.insideMac()).setExact(MatchField.IPV4_DST, r.publicAddress())
                .build();
        out.add(Pipeline.flow(f, Band.STATIC_NAT_HAIRPIN_FIRST, hairpin, cookie(r.id(), Kind.HAIRPIN))
                .setInstructions(apply(f, List.of(toController(f)))).build());
        U64 icmp = cookie(r.id(), Kind.ICMP_ERROR);
        for (int type : ERROR_TYPES) {
            Match in = inbound(f, b, r).setExact(MatchField.IP_PROTO, IpProtocol.ICMP)
                    .setExact(MatchField.ICMPV4_TYPE, ICMPv4Type.of((short) type)).build();
            Match o = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.ETH_DST, gateway.insideMac()).setExact(MatchField.IPV4_SRC, r.insideAddress())
                    .setExact(MatchField.IP_PROTO, IpProtocol.ICMP)
                    .setExact(MatchField.ICMPV4_TYPE, ICMPv4Type.of((short) type)).build();
            out.add(Pipeline.flow(f, Band.STATIC_NAT_ICMP_ERROR, in, icmp)
                    .setInstructions(apply(f, List.of(toController(f)))).build());
            out.add(Pipeline.flow(f, Band.STATIC_NAT_ICMP_ERROR, o, icmp)
                    .setInstructions(apply(f, List.of(toController(f)))).build());
        }
        return out;
    }

    /** A remote the host sent to, let back in both ways while either direction is used within {@code idle}. */
    List<OFMessage> remote(Border b, StaticNatRule r, HostLocation host, IPv4Address remote, int idle) {
        OFFactory f = b.factory();
        U64 c = cookie(r.id(), Kind.REMOTE);
        Match in = inbound(f, b, r).setExact(MatchField.IPV4_SRC, remote).build();
        Match o = outbound(f, r, host).setExact(MatchField.IPV4_DST, remote).build();
        return List.of(
                Pipeline.flow(f, Band.STATIC_NAT_REMOTE, in, c).setIdleTimeout(idle)
                        .setInstructions(toHost(f, r, host)).build(),
                Pipeline.flow(f, Band.STATIC_NAT_REMOTE, o, c).setIdleTimeout(idle)
                        .setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM)).setInstructions(toUplink(f, r)).build());
    }

    /** The remote of a remote's outbound flow (its destination), or null for any other match. */
    static IPv4Address remoteOf(Match m) {
        return m.isExact(MatchField.IPV4_DST) && m.isExact(MatchField.ETH_DST) ? m.get(MatchField.IPV4_DST) : null;
    }

    /** Deletes every flow of a rule, its remotes' too. */
    OFMessage remove(Border b, long ruleId) {
        OFFactory f = b.factory();
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(cookie(ruleId, Kind.RULE)).setCookieMask(RULE_MASK).setMatch(f.matchWildcardAll()).build();
    }

    private static Match.Builder inbound(OFFactory f, Border b, StaticNatRule r) {
        return f.buildMatch().setExact(MatchField.IN_PORT, b.uplink()).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IPV4_DST, r.publicAddress());
    }

    private Match.Builder outbound(OFFactory f, StaticNatRule r, HostLocation host) {
        return HostDelivery.fromHost(f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.ETH_DST, gateway.insideMac())
                .setExact(MatchField.IPV4_SRC, r.insideAddress()), host.port());
    }

    private List<OFInstruction> toHost(OFFactory f, StaticNatRule r, HostLocation host) {
        List<OFAction> in = List.of(f.actions().setField(f.oxms().ipv4Dst(r.insideAddress())),
                f.actions().setField(f.oxms().ethSrc(gateway.insideMac())),
                f.actions().setField(f.oxms().ethDst(host.mac())), f.actions().decNwTtl());
        return HostDelivery.then(f, in, host.port());
    }

    private List<OFInstruction> toUplink(OFFactory f, StaticNatRule r) {
        List<OFAction> out = List.of(f.actions().setField(f.oxms().ipv4Src(r.publicAddress())),
                f.actions().setField(f.oxms().ethSrc(gateway.outsideMac())), f.actions().decNwTtl());
        return List.of(f.instructions().applyActions(out), f.instructions().gotoTable(Pipeline.Table.ROUTE.id()));
    }
}
