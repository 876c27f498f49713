package org.natflow.apps.nat;

import static org.natflow.controller.api.FlowMods.apply;
import static org.natflow.controller.api.FlowMods.toController;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.Pipeline.Band;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.OxmMatch;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/**
 * The NAT's flows on a border (OpenFlow 1.3+), in the bands {@link Pipeline} gives them: in table 0 the copies of
 * TCP FIN/RST to the controller (which moves the mapping to the transitory timeout); in table 1 the mappings
 * and hairpin pairs, the punts of first packets, ICMP and fragments to the controller, and the drops of
 * unsolicited and spoofed traffic. Translated outbound packets go on to the route table
 * ({@link org.natflow.apps.border.Routes}).
 */
final class NatFlows {

    static final TableId NAT_TABLE = Pipeline.Table.NAT.id();
    static final TableId ROUTE_TABLE = Pipeline.Table.ROUTE.id();
    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;

    private final NatConfig config;

    NatFlows(NatConfig config) {
        this.config = config;
    }

    /** A flow-add in one of the NAT's bands. */
    static OFFlowAdd.Builder add(OFFactory f, Band band, Match match, U64 cookie) {
        return Pipeline.flow(f, band, match, cookie);
    }

    private Match.Builder tcpFlags(OFFactory f, Match.Builder m, int flag) {
        return tcpFlags(f, m, flag, flag);
    }

    private Match.Builder tcpFlags(OFFactory f, Match.Builder m, int flags, int mask) {
        m.setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.TCP);
        // OpenFlow 1.5 has tcp_flags; before it Open vSwitch takes the ONF experimenter field.
        MatchField<org.projectfloodlight.openflow.types.U16> field =
                f.getVersion().compareTo(org.projectfloodlight.openflow.protocol.OFVersion.OF_15) >= 0
                        ? MatchField.TCP_FLAGS : MatchField.OVS_TCP_FLAGS;
        return m.setMasked(field, org.projectfloodlight.openflow.types.U16.of(flags),
                org.projectfloodlight.openflow.types.U16.of(mask));
    }

    /**
     * While a TCP mapping is closing (a FIN or RST of one of its connections passed): a SYN from its inside
     * endpoint (a new connection on the same mapping) is copied to the controller, which moves the mapping back
     * to the established timeout. Idles out with the transitory timeout, as the mapping would.
     */
    OFFlowAdd reopenWatch(OFFactory f, NatSession s, int idleSeconds) {
        Match m = tcpFlags(f, f.buildMatch(), SYN, SYN | ACK).setExact(MatchField.ETH_DST, config.insideMac())
                .setExact(MatchField.IPV4_SRC, s.insideAddress())
                .setExact(MatchField.TCP_SRC, TransportPort.of(s.insidePort())).build();
        return add(f, Band.NAT_TCP_REOPEN, m, NatCookies.TCP_CLOSE).setIdleTimeout(idleSeconds)
                .setInstructions(List.of(f.instructions().applyActions(List.of(f.actions().buildOutput()
                        .setPort(OFPort.CONTROLLER).setMaxLen(128).build())), f.instructions().gotoTable(NAT_TABLE)))
                .build();
    }

    /** Deletes a mapping's {@link #reopenWatch}. */
    OFMessage deleteReopenWatch(OFFactory f, NatSession s) {
        OFFlowAdd watch = reopenWatch(f, s, 0);
        return f.buildFlowDeleteStrict().setTableId(watch.getTableId()).setPriority(watch.getPriority())
                .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setCookie(watch.getCookie())
                .setCookieMask(U64.of(-1L)).setMatch(watch.getMatch()).build();
    }

    /** The static flows of a border switch. */
    List<OFMessage> staticFlows(Border b) {
        OFFactory f = b.factory();
        OFPort uplink = b.uplink();
        List<OFMessage> out = new ArrayList<>();
        List<OFInstruction> copyAndNat = List.of(f.instructions().applyActions(List.of(f.actions().buildOutput()
                .setPort(OFPort.CONTROLLER).setMaxLen(128).build())), f.instructions().gotoTable(NAT_TABLE));
        // The conntrack datapath tracks TCP state in the switch: no copies of FIN/RST there.
        for (int flag : new int[] {FIN, RST}) {
            if (config.conntrack()) {
                break;
            }
            out.add(add(f, Band.NAT_TCP_CLOSE, tcpFlags(f, f.buildMatch(), flag)
                    .setExact(MatchField.ETH_DST, config.insideMac()).build(), NatCookies.TCP_CLOSE)
                    .setInstructions(copyAndNat).build());
            out.add(add(f, Band.NAT_TCP_CLOSE, tcpFlags(f, f.buildMatch(), flag)
                    .setExact(MatchField.IN_PORT, uplink).build(), NatCookies.TCP_CLOSE)
                    .setInstructions(copyAndNat).build());
        }
        for (IPv4Address pool : b.addresses()) {
            out.add(add(f, Band.NAT_UPLINK_ICMP, f.buildMatch().setExact(MatchField.IN_PORT, uplink)
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.ICMP)
                    .setExact(MatchField.IPV4_DST, pool).build(), NatCookies.STATIC)
                    .setInstructions(apply(f, List.of(toController(f)))).build());
        }
        for (IPv4Address pool : b.addresses()) {
            out.add(add(f, Band.NAT_UPLINK_FRAGMENT, f.buildMatch().setExact(MatchField.IN_PORT, uplink)
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.UDP)
                    .setExact(MatchField.IPV4_DST, pool).setExact(MatchField.UDP_DST, TransportPort.of(0)).build(),
                    NatCookies.STATIC).setInstructions(apply(f, List.of(toController(f)))).build());
            out.add(add(f, Band.NAT_UPLINK_FRAGMENT, f.buildMatch().setExact(MatchField.IN_PORT, uplink)
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, IpProtocol.TCP)
                    .setExact(MatchField.IPV4_DST, pool).setExact(MatchField.TCP_DST, TransportPort.of(0)).build(),
                    NatCookies.STATIC).setInstructions(apply(f, List.of(toController(f)))).build());
        }
        out.add(add(f, Band.NAT_UPLINK_DROP, f.buildMatch().setExact(MatchField.IN_PORT, uplink).build(),
                NatCookies.STATIC).setInstructions(List.of()).build());
        for (IPv4AddressWithMask inside : config.insideNetworks()) {
            out.add(add(f, Band.NAT_FIRST_PACKET, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.ETH_DST, config.insideMac())
                    .setMasked(MatchField.IPV4_SRC, inside.getValue(), inside.getMask()).build(), NatCookies.STATIC)
                    .setInstructions(apply(f, List.of(toController(f)))).build());
        }
        for (IPv4Address pool : config.publicAddresses()) {
            out.add(add(f, Band.NAT_HAIRPIN_FIRST, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.ETH_DST, config.insideMac()).setExact(MatchField.IPV4_DST, pool).build(),
                    NatCookies.STATIC).setInstructions(apply(f, List.of(toController(f)))).build());
        }
        if (!config.conntrack()) {
            // A SYN-ACK from inside with no mapping answers nothing that came in through the NAT: dropped. This
            // flow also makes Open vSwitch look at the TCP flags of every unmapped segment from inside, so the
            // datapath flow that sends a new connection's SYN here covers SYNs only; the connection's next
            // segments, sent before the switch has revalidated that cache entry, miss it and meet the new
            // mapping flows instead of coming to the controller too.
            out.add(add(f, Band.NAT_STRAY_SYN_ACK, tcpFlags(f, f.buildMatch(), SYN | ACK)
                    .setExact(MatchField.ETH_DST, config.insideMac()).build(), NatCookies.STATIC)
                    .setInstructions(List.of()).build());
        }
        out.add(add(f, Band.NAT_SPOOF_DROP, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.ETH_DST, config.insideMac()).build(), NatCookies.STATIC)
                .setInstructions(List.of()).build());
        return out;
    }

    /** Deletes every meter of a border (all are the NAT's per-host meters). */
    OFMessage deleteMeters(OFFactory f) {
        return f.buildMeterMod().setCommand(org.projectfloodlight.openflow.protocol.OFMeterModCommand.DELETE)
                .setMeterId(0xffff_ffffL).build();
    }

    /** Deletes one host's meter. */
    OFMessage deleteMeter(OFFactory f, long meterId) {
        return f.buildMeterMod().setCommand(org.projectfloodlight.openflow.protocol.OFMeterModCommand.DELETE)
                .setMeterId(meterId).build();
    }

    /** A meter that passes {@code rate} packets per second (bursts of as many) and drops the rest. */
    OFMessage meter(OFFactory f, long meterId, int rate) {
        var band = f.meterBands().buildDrop().setRate(rate).setBurstSize(rate).build();
        var b = f.buildMeterMod().setCommand(org.projectfloodlight.openflow.protocol.OFMeterModCommand.ADD)
                .setMeterId(meterId).setFlags(java.util.Set.of(org.projectfloodlight.openflow.protocol.OFMeterFlags.PKTPS,
                        org.projectfloodlight.openflow.protocol.OFMeterFlags.BURST));
        try {
            b.setMeters(List.of(band)); // OpenFlow 1.3 calls the bands "meters"
        } catch (UnsupportedOperationException e) {
            b.setBands(List.of(band));
        }
        return b.build();
    }

    /** One host's first packets go to the controller through its own meter, so a flood stays its own. */
    OFMessage hostPunt(OFFactory f, IPv4Address host, long meterId) {
        Match m = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.ETH_DST, config.insideMac()).setExact(MatchField.IPV4_SRC, host).build();
        return add(f, Band.NAT_HOST_PUNT, m, NatCookies.STATIC).setInstructions(metered(f, meterId, toController(f)))
                .build();
    }

    /**
     * Instructions that pass packets through meter {@code meterId}, then apply {@code action}: a meter action on
     * OpenFlow 1.5, the meter instruction before it.
     */
    static List<OFInstruction> metered(OFFactory f, long meterId, OFAction action) {
        return f.getVersion().compareTo(org.projectfloodlight.openflow.protocol.OFVersion.OF_15) >= 0
                ? List.of(f.instructions().applyActions(List.of(f.actions().meter(meterId), action)))
                : List.of(f.instructions().meter(meterId), f.instructions().applyActions(List.of(action)));
    }

    /** Deletes one host's punt flow (before its meter: a flow may not point at a meter that is gone). */
    OFMessage deleteHostPunt(OFFactory f, IPv4Address host) {
        OFFlowAdd punt = (OFFlowAdd) hostPunt(f, host, 1);
        return f.buildFlowDeleteStrict().setTableId(punt.getTableId()).setPriority(punt.getPriority())
                .setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY).setCookie(punt.getCookie())
                .setCookieMask(U64.of(-1L)).setMatch(punt.getMatch()).build();
    }

    /**
     * The inbound then the outbound flow of a mapping, in the order they must be installed. With a remote
     * (address- or address-and-port-dependent filtering) the pair is for that remote only: the outbound flow
     * matches it as destination, so a new remote comes to the controller, and the inbound flow admits only it.
     */
    List<OFMessage> mapping(OFFactory f, OFPort uplink, NatSession s, int idleTimeout, Remote remote) {
        IpProtocol proto = IpProtocol.of((short) s.protocol().number());
        // Built in one pass (OxmMatch): this runs for every new mapping.
        OxmMatch in = OxmMatch.of(f).exact(MatchField.IN_PORT, uplink)
                .exact(MatchField.ETH_TYPE, EthType.IPv4).exact(MatchField.IP_PROTO, proto)
                .exact(MatchField.IPV4_DST, s.publicAddress());
        OxmMatch outMatch = OxmMatch.of(f).exact(MatchField.ETH_TYPE, EthType.IPv4)
                .exact(MatchField.ETH_DST, config.insideMac()).exact(MatchField.IP_PROTO, proto)
                .exact(MatchField.IPV4_SRC, s.insideAddress());
        List<OFAction> inActions = new ArrayList<>();
        List<OFAction> outActions = new ArrayList<>();
        inActions.add(f.actions().setField(f.oxms().ipv4Dst(s.insideAddress())));
        outActions.add(f.actions().setField(f.oxms().ipv4Src(s.publicAddress())));
        TransportPort pubPort = TransportPort.of(s.publicPort());
        TransportPort insidePort = TransportPort.of(s.insidePort());
        if (remote != null) {
            in.exact(MatchField.IPV4_SRC, remote.address());
            outMatch.exact(MatchField.IPV4_DST, remote.address());
            if (remote.port() >= 0) {
                TransportPort rp = TransportPort.of(remote.port());
                in.exact(s.protocol() == Protocol.TCP ? MatchField.TCP_SRC : MatchField.UDP_SRC, rp);
                outMatch.exact(s.protocol() == Protocol.TCP ? MatchField.TCP_DST : MatchField.UDP_DST, rp);
            }
        }
        if (s.protocol() == Protocol.TCP) {
            in.exact(MatchField.TCP_DST, pubPort);
            outMatch.exact(MatchField.TCP_SRC, insidePort);
            inActions.add(f.actions().setField(f.oxms().tcpDst(insidePort)));
            outActions.add(f.actions().setField(f.oxms().tcpSrc(pubPort)));
        } else if (s.protocol() == Protocol.UDP) {
            in.exact(MatchField.UDP_DST, pubPort);
            outMatch.exact(MatchField.UDP_SRC, insidePort);
            inActions.add(f.actions().setField(f.oxms().udpDst(insidePort)));
            outActions.add(f.actions().setField(f.oxms().udpSrc(pubPort)));
        }
        inActions.add(f.actions().setField(f.oxms().ethSrc(config.insideMac())));
        inActions.add(f.actions().setField(f.oxms().ethDst(s.insideMac())));
        inActions.add(f.actions().decNwTtl());
        outActions.add(f.actions().setField(f.oxms().ethSrc(config.outsideMac())));
        outActions.add(f.actions().decNwTtl());
        OFMessage inbound = add(f, Band.NAT_MAPPING, in.build(), NatCookies.inbound(s.id()))
                .setInstructions(HostDelivery.then(f, inActions, s.switchPort())).build();
        OFMessage outbound = add(f, Band.NAT_MAPPING, outMatch.build(), NatCookies.outbound(s.id()))
                .setIdleTimeout(idleTimeout).setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM))
                .setInstructions(List.of(f.instructions().applyActions(outActions),
                        f.instructions().gotoTable(ROUTE_TABLE))).build();
        return List.of(inbound, outbound);
    }

    /**
     * The two flows that loop traffic between inside endpoints through their public endpoints: {@code from}
     * reaching {@code to}'s public endpoint, and the replies. Each side sees the other's public endpoint. Both
     * carry {@code from}'s inbound cookie, so they go when {@code from}'s mapping ends; they also idle out.
     */
    List<OFMessage> hairpin(OFFactory f, NatSession from, NatSession to, int idleTimeout) {
        return hairpin(f, from, to, from.id(), idleTimeout);
    }

    /** The same pair, carrying the inbound cookie of mapping {@code owner} (they go when it ends). */
    List<OFMessage> hairpin(OFFactory f, NatSession from, NatSession to, long owner, int idleTimeout) {
        return List.of(hairpinFlow(f, from, to, owner, idleTimeout), hairpinFlow(f, to, from, owner, idleTimeout));
    }

    private OFMessage hairpinFlow(OFFactory f, NatSession src, NatSession dst, long cookieSession, int idle) {
        IpProtocol proto = IpProtocol.of((short) src.protocol().number());
        Match.Builder m = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.ETH_DST, config.insideMac()).setExact(MatchField.IP_PROTO, proto)
                .setExact(MatchField.IPV4_SRC, src.insideAddress()).setExact(MatchField.IPV4_DST, dst.publicAddress());
        List<OFAction> a = new ArrayList<>();
        a.add(f.actions().setField(f.oxms().ipv4Src(src.publicAddress())));
        a.add(f.actions().setField(f.oxms().ipv4Dst(dst.insideAddress())));
        TransportPort srcIn = TransportPort.of(src.insidePort());
        TransportPort srcPub = TransportPort.of(src.publicPort());
        TransportPort dstIn = TransportPort.of(dst.insidePort());
        TransportPort dstPub = TransportPort.of(dst.publicPort());
        if (src.protocol() == Protocol.TCP) {
            m.setExact(MatchField.TCP_SRC, srcIn).setExact(MatchField.TCP_DST, dstPub);
            a.add(f.actions().setField(f.oxms().tcpSrc(srcPub)));
            a.add(f.actions().setField(f.oxms().tcpDst(dstIn)));
        } else {
            m.setExact(MatchField.UDP_SRC, srcIn).setExact(MatchField.UDP_DST, dstPub);
            a.add(f.actions().setField(f.oxms().udpSrc(srcPub)));
            a.add(f.actions().setField(f.oxms().udpDst(dstIn)));
        }
        a.add(f.actions().setField(f.oxms().ethSrc(config.insideMac())));
        a.add(f.actions().setField(f.oxms().ethDst(dst.insideMac())));
        a.add(f.actions().decNwTtl());
        // OpenFlow never outputs a packet to the port it came in on unless told IN_PORT: a host reaching its
        // own mapping (a STUN hairpin check), or hosts behind one port, get their packets back through it.
        OFPort out = dst.switchPort().equals(src.switchPort()) && !HostDelivery.acrossFabric(dst.switchPort())
                ? OFPort.IN_PORT : dst.switchPort();
        return add(f, Band.NAT_HAIRPIN, m.build(), NatCookies.inbound(cookieSession)).setIdleTimeout(idle)
                .setInstructions(HostDelivery.then(f, a, out)).build();
    }

    /** Deletes the inbound flow that admits one remote of a mapping (its outbound flow has idled out). */
    OFFlowDelete deleteRemote(OFFactory f, OFPort uplink, NatSession s, Remote remote) {
        OFMessage inbound = mapping(f, uplink, s, 0, remote).get(0);
        return f.buildFlowDelete().setTableId(NAT_TABLE).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(NatCookies.inbound(s.id())).setCookieMask(U64.of(-1L))
                .setMatch(((OFFlowAdd) inbound).getMatch()).build();
    }

    /** The remote an outbound flow was for, read back from its match; null for endpoint-independent flows. */
    static Remote remoteOf(Match outboundMatch) {
        IPv4Address dst = outboundMatch.get(MatchField.IPV4_DST);
        if (dst == null) {
            return null;
        }
        TransportPort tp = outboundMatch.get(MatchField.TCP_DST);
        if (tp == null) {
            tp = outboundMatch.get(MatchField.UDP_DST);
        }
        return new Remote(dst, tp == null ? -1 : tp.getPort());
    }

    /** Deletes both flows of a mapping. */
    OFFlowDelete deleteMapping(OFFactory f, long sessionId) {
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(NatCookies.outbound(sessionId)).setCookieMask(NatCookies.SESSION_MASK)
                .setMatch(f.matchWildcardAll()).build();
    }
}
