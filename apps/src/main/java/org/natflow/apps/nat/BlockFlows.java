package org.natflow.apps.nat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.Pipeline.Band;
import org.natflow.apps.border.Border;
import org.natflow.controller.api.FlowMods;
import org.natflow.controller.api.WireFormat;
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
import org.projectfloodlight.openflow.types.U16;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;
import org.projectfloodlight.openflow.types.U8;

/**
 * The conntrack datapath's flows (Open vSwitch, Nicira {@code ct} and {@code nat} actions), in the NAT table
 * next to {@link NatFlows}' static ones (bands {@code NAT_BLOCK*} of {@link org.natflow.apps.Pipeline}):
 * <pre>
 * table 1  170 per block: from uplink, ct_state +trk+est or +trk+rel, ip to the host → MACs, dec_ttl, output host
 *          160 per border address: ip from uplink to it, ct_state -trk → ct(zone, nat, table 1)
 *              (untracked replies are translated back by the tracker and come round again; what it does not
 *              know falls through to the ICMP, fragment and drop flows below)
 *           66 icmp to the gateway MAC → controller (ICMP queries keep the controller's RFC 5508 path)
 *           66 ip to the gateway MAC for an inside prefix → controller (not translated)
 *           65 per block: ip from the host to the gateway MAC → eth_src, dec_ttl,
 *              ct(commit, zone, nat(src=ADDR:FIRST-LAST), table 2)
 * </pre>
 * The outbound block flow idles out after the host has sent nothing for the TCP established timeout; its
 * removal releases the block.
 */
final class BlockFlows {

    /** The connection-tracking zone of the NAT's connections. */
    static final int ZONE = 0x6e66;

    // Nicira conntrack state bits and action flags (Open vSwitch nicira-ext.h).
    static final int CS_NEW = 0x01;
    static final int CS_ESTABLISHED = 0x02;
    static final int CS_RELATED = 0x04;
    static final int CS_TRACKED = 0x20;
    private static final int CT_COMMIT = 0x01;
    private static final int NAT_SRC = 0x01;
    private static final int RANGE_IPV4_MIN = 0x01;
    private static final int RANGE_IPV4_MAX = 0x02;
    private static final int RANGE_PROTO_MIN = 0x10;
    private static final int RANGE_PROTO_MAX = 0x20;

    private final NatConfig config;

    BlockFlows(NatConfig config) {
        this.config = config;
    }

    private static OFFlowAdd.Builder add(OFFactory f, Band band, Match match, U64 cookie) {
        return NatFlows.add(f, band, match, cookie);
    }

    /** Whether a switch's OpenFlow version carries the Nicira conntrack actions in this library. */
    static boolean supported(OFFactory f) {
        try {
            f.actions().buildNiciraCt();
            f.actions().buildNiciraNat();
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@code ct(zone=ZONE, [commit,] table=recirc, actions=nat...)}. */
    static OFAction ct(OFFactory f, boolean commit, TableId recirc, List<OFAction> nested) {
        return f.actions().buildNiciraCt().setFlags(commit ? CT_COMMIT : 0).setZoneSrc(0).setZone(ZONE)
                .setRecircTable((short) recirc.getValue()).setAlg(0).setActions(nested).build();
    }

    /** {@code nat(src=address:first-last)}: source translation into the block. */
    static OFAction snat(OFFactory f, IPv4Address address, int first, int last) {
        // 16 bytes of header, 8 of address range, 4 of port range: 4 bytes of padding to a multiple of 8.
        return f.actions().buildNiciraNat().setFlags(NAT_SRC)
                .setRangePresent(RANGE_IPV4_MIN | RANGE_IPV4_MAX | RANGE_PROTO_MIN | RANGE_PROTO_MAX)
                .setIpv4Range(List.of(address, address)).setIpv6Range(List.of())
                .setPortRange(List.of(U16.of(first), U16.of(last)))
                .setPad(List.of(U8.ZERO, U8.ZERO, U8.ZERO, U8.ZERO)).build();
    }

    /** Bare {@code nat}: undo the translation of a tracked connection (replies). */
    static OFAction unnat(OFFactory f) {
        return f.actions().buildNiciraNat().setFlags(0).setRangePresent(0).setIpv4Range(List.of())
                .setIpv6Range(List.of()).setPortRange(List.of()).setPad(List.of()).build();
    }

    /** Nicira header of ct_nw_src, the original-direction source address (NXM class 1, field 120, 4 bytes). */
    private static final long NXM_CT_NW_SRC = 0x0001_f004L;
    /** Nicira header of ct_tp_src, the original-direction source port (field 124, 2 bytes). */
    private static final long NXM_CT_TP_SRC = 0x0001_f802L;
    private static final long NXM_REG0 = 0x0001_0004L;
    private static final long NXM_REG1 = 0x0001_0204L;
    /** Copies of new connections per second and border that reach the controller; beyond, the meter drops them. */
    static final int COPY_RATE = 2000;

    /** The meter of a border's copies: above every host meter's id (those stay within max-hosts). */
    long copyMeter() {
        return config.maxHosts() + 1L;
    }

    /**
     * The border's copy meter, replaced (deleted first: a controller restart finds it in the switch), for
     * {@link #staticFlows}' copies of new connections.
     */
    List<OFMessage> copyMeterMods(OFFactory f, NatFlows natFlows) {
        return List.of(natFlows.deleteMeter(f, copyMeter()), natFlows.meter(f, copyMeter(), COPY_RATE));
    }

    private static OFAction move(OFFactory f, long src, long dst, int bits) {
        return f.actions().buildNiciraMove().setSrc(src).setDst(dst).setNBits(bits).setSrcOfs(0).setDstOfs(0).build();
    }

    /**
     * Table {@link Pipeline.Table#TRACKED}: every translated packet is routed (table 2); the packets of a new
     * connection also go, with the connection's original source in reg0 (address) and reg1 (port), to table
     * {@link Pipeline.Table#TRACKED_COPY}, which meters them and sends them to the controller: that is how the
     * controller learns which inside endpoint the tracker gave each public port, so it can hairpin to it.
     * The copy comes after the routing, so the meter only ever drops the copy.
     */
    List<OFMessage> trackedFlows(OFFactory f) {
        List<OFMessage> out = new ArrayList<>();
        for (IpProtocol proto : new IpProtocol[] {IpProtocol.TCP, IpProtocol.UDP}) {
            Match m = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IP_PROTO, proto)
                    .setMasked(MatchField.CONNTRACK_STATE, U32.of(CS_TRACKED | CS_NEW), U32.of(CS_TRACKED | CS_NEW))
                    .build();
            out.add(add(f, Band.NAT_TRACKED_NEW, m, NatCookies.STATIC).setInstructions(FlowMods.apply(f, List.of(
                    move(f, NXM_CT_NW_SRC, NXM_REG0, 32), move(f, NXM_CT_TP_SRC, NXM_REG1, 16),
                    Pipeline.resubmit(f, Pipeline.Table.ROUTE), Pipeline.resubmit(f, Pipeline.Table.TRACKED_COPY)))).build());
        }
        out.add(add(f, Band.NAT_TRACKED, f.matchWildcardAll(), NatCookies.STATIC)
                .setInstructions(FlowMods.apply(f, List.of(Pipeline.resubmit(f, Pipeline.Table.ROUTE)))).build());
        List<OFInstruction> copy = NatFlows.metered(f, copyMeter(),
                f.actions().buildOutput().setPort(OFPort.CONTROLLER).setMaxLen(128).build());
        out.add(add(f, Band.NAT_TRACKED_COPY, f.matchWildcardAll(), NatCookies.STATIC).setInstructions(copy).build());
        return out;
    }

    /** The conntrack flows every border carries, added to {@link NatFlows#staticFlows}. */
    List<OFMessage> staticFlows(Border b) {
        OFFactory f = b.factory();
        List<OFMessage> out = new ArrayList<>(config.tracksForHairpin() ? trackedFlows(f) : List.of());
        for (IPv4Address a : b.addresses()) {
            Match m = f.buildMatch().setExact(MatchField.IN_PORT, b.uplink())
                    .setExact(MatchField.ETH_TYPE, EthType.IPv4).setExact(MatchField.IPV4_DST, a)
                    .setMasked(MatchField.CONNTRACK_STATE, U32.of(0), U32.of(CS_TRACKED)).build();
            out.add(add(f, Band.NAT_BLOCK_UNTRACKED, m, NatCookies.STATIC).setInstructions(FlowMods.apply(f,
                    List.of(ct(f, false, NatFlows.NAT_TABLE, List.of(unnat(f)))))).build());
        }
        List<OFInstruction> toController = FlowMods.apply(f, List.of(FlowMods.toController(f)));
        out.add(add(f, Band.NAT_BLOCK_CONTROLLER_PATH, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.IP_PROTO, IpProtocol.ICMP).setExact(MatchField.ETH_DST, config.insideMac())
                .build(), NatCookies.STATIC).setInstructions(toController).build());
        for (IPv4AddressWithMask inside : config.insideNetworks()) {
            out.add(add(f, Band.NAT_BLOCK_CONTROLLER_PATH, f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.ETH_DST, config.insideMac())
                    .setMasked(MatchField.IPV4_DST, inside.getValue(), inside.getMask()).build(), NatCookies.STATIC)
                    .setInstructions(toController).build());
        }
        return out;
    }

    /**
     * A block's flows: outbound (every packet of the host to the tracker, committed and translated into the
     * block, then routed; idles out after {@code idleSeconds}, reported) and inbound (tracked replies and
     * related ICMP errors delivered to the host, established and related each).
     */
    List<OFMessage> block(OFFactory f, OFPort uplink, PortBlock block, int idleSeconds) {
        Match out = f.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4)
                .setExact(MatchField.ETH_DST, config.insideMac()).setExact(MatchField.IPV4_SRC, block.inside()).build();
        List<OFAction> outActions = List.of(f.actions().setField(f.oxms().ethSrc(config.outsideMac())),
                f.actions().decNwTtl(),
                ct(f, true, config.tracksForHairpin() ? Pipeline.Table.TRACKED.id() : NatFlows.ROUTE_TABLE,
                        List.of(snat(f, block.address(), block.first(), block.last()))));
        List<OFMessage> msgs = new ArrayList<>();
        msgs.add(add(f, Band.NAT_BLOCK, out, NatCookies.blockOutbound(block.id())).setIdleTimeout(idleSeconds)
                .setFlags(Set.of(OFFlowModFlags.SEND_FLOW_REM))
                .setInstructions(FlowMods.apply(f, outActions)).build());
        List<OFAction> deliver = List.of(f.actions().setField(f.oxms().ethSrc(config.insideMac())),
                f.actions().setField(f.oxms().ethDst(block.hostMac())), f.actions().decNwTtl());
        for (int state : new int[] {CS_ESTABLISHED, CS_RELATED}) {
            Match in = f.buildMatch().setExact(MatchField.IN_PORT, uplink).setExact(MatchField.ETH_TYPE, EthType.IPv4)
                    .setExact(MatchField.IPV4_DST, block.inside())
                    .setMasked(MatchField.CONNTRACK_STATE, U32.of(CS_TRACKED | state), U32.of(CS_TRACKED | state))
                    .build();
            msgs.add(add(f, Band.NAT_BLOCK_TRACKED, in, NatCookies.blockInbound(block.id()))
                    .setInstructions(HostDelivery.then(f, deliver, block.hostPort())).build());
        }
        return msgs;
    }

    /**
     * A block as its flows in a switch describe it (read back after a controller restart): the host from the
     * outbound flow's match, address and ports from its {@code nat} action, MAC and port from the inbound
     * flow's delivery.
     *
     * @return the block, or null when the flows do not describe one
     */
    static PortBlock read(long id, org.projectfloodlight.openflow.protocol.OFFlowStatsEntry out,
                          org.projectfloodlight.openflow.protocol.OFFlowStatsEntry in, org.natflow.controller.api.Dpid dpid,
                          long nowMillis) {
        IPv4Address inside = out.getMatch().get(MatchField.IPV4_SRC);
        MappingFlows.Inbound delivery = MappingFlows.inbound(id, in);
        int[] range = null;
        IPv4Address address = null;
        for (var i : out.getInstructions()) {
            if (i instanceof org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions a) {
                for (OFAction act : a.getActions()) {
                    if (act instanceof org.projectfloodlight.openflow.protocol.action.OFActionNiciraCt ct) {
                        for (OFAction nested : ct.getActions()) {
                            if (nested instanceof org.projectfloodlight.openflow.protocol.action.OFActionNiciraNat nat) {
                                byte[] wire = WireFormat.bytes(nat);
                                address = natAddress(wire);
                                range = natPorts(wire);
                            }
                        }
                    }
                }
            }
        }
        if (inside == null || delivery == null || address == null || range == null) {
            return null;
        }
        try {
            return new PortBlock(id, inside, address, range[0], range[1], dpid, delivery.hostMac(),
                    delivery.hostPort(), nowMillis - out.getDurationSec() * 1000L);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    /** The minimum IPv4 address of a Nicira nat action's range (read by its layout: Loxi lists it loosely). */
    static IPv4Address natAddress(byte[] wire) {
        int present = wire.length >= 16 ? u16(wire, 14) : 0;
        if ((present & RANGE_IPV4_MIN) == 0 || wire.length < 20) {
            return null;
        }
        return IPv4Address.of(java.util.Arrays.copyOfRange(wire, 16, 20));
    }

    /** The port range {first, last} of a Nicira nat action, or null if it has none. */
    static int[] natPorts(byte[] wire) {
        int present = wire.length >= 16 ? u16(wire, 14) : 0;
        int at = 16;
        at += (present & RANGE_IPV4_MIN) != 0 ? 4 : 0;
        at += (present & RANGE_IPV4_MAX) != 0 ? 4 : 0;
        at += (present & 0x04) != 0 ? 16 : 0;
        at += (present & 0x08) != 0 ? 16 : 0;
        if ((present & RANGE_PROTO_MIN) == 0 || wire.length < at + 2) {
            return null;
        }
        int first = u16(wire, at);
        int last = (present & RANGE_PROTO_MAX) != 0 && wire.length >= at + 4 ? u16(wire, at + 2) : first;
        return new int[] {first, last};
    }

    /** Deletes both directions' flows of a block. */
    OFFlowDelete deleteBlock(OFFactory f, long blockId) {
        return f.buildFlowDelete().setTableId(TableId.ALL).setOutPort(OFPort.ANY).setOutGroup(OFGroup.ANY)
                .setCookie(NatCookies.blockOutbound(blockId)).setCookieMask(NatCookies.SESSION_MASK)
                .setMatch(f.matchWildcardAll()).build();
    }
}
