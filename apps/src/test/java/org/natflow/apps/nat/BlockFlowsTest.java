package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Border;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.WireFormat;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.Writeable;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionNiciraCt;
import org.projectfloodlight.openflow.protocol.action.OFActionNiciraNat;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U32;

/** The conntrack datapath's flows, down to the bytes Open vSwitch parses. */
class BlockFlowsTest {

    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);
    private final NatConfig config = NatTestConfigs.config(1024, 65535, 2048, "203.0.113.10")
            .withDatapath(NatDatapath.CONNTRACK);
    private final BlockFlows flows = new BlockFlows(config);
    private final PortBlock block = new PortBlock(7, IPv4Address.of("10.0.0.11"), IPv4Address.of("203.0.113.10"),
            3072, 5119, new Dpid(1), MacAddress.of("02:00:00:00:00:0b"), OFPort.of(2), 0);

    private static byte[] bytes(Writeable w) {
        return WireFormat.bytes(w);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }

    @Test
    void sourceNatActionIsTheNiciraLayoutPaddedToEightBytes() {
        byte[] b = bytes(BlockFlows.snat(F, IPv4Address.of("203.0.113.10"), 3072, 5119));
        assertThat(b.length).isEqualTo(32).isEqualTo(u16(b, 2));
        assertThat(u16(b, 0)).as("experimenter action").isEqualTo(0xffff);
        assertThat(u16(b, 8)).as("NXAST_NAT").isEqualTo(36);
        assertThat(u16(b, 12)).as("flags: src").isEqualTo(1);
        assertThat(u16(b, 14)).as("range present: ipv4 min/max, proto min/max").isEqualTo(0x33);
        assertThat(IPv4Address.of(java.util.Arrays.copyOfRange(b, 16, 20))).isEqualTo(IPv4Address.of("203.0.113.10"));
        assertThat(IPv4Address.of(java.util.Arrays.copyOfRange(b, 20, 24))).isEqualTo(IPv4Address.of("203.0.113.10"));
        assertThat(u16(b, 24)).isEqualTo(3072);
        assertThat(u16(b, 26)).isEqualTo(5119);
    }

    @Test
    void conntrackActionCarriesZoneRecirculationTableAndTheNestedNat() {
        OFAction ct = BlockFlows.ct(F, true, NatFlows.ROUTE_TABLE,
                List.of(BlockFlows.snat(F, IPv4Address.of("203.0.113.10"), 3072, 5119)));
        byte[] b = bytes(ct);
        assertThat(b.length).isEqualTo(24 + 32).isEqualTo(u16(b, 2));
        assertThat(u16(b, 8)).as("NXAST_CT").isEqualTo(35);
        assertThat(u16(b, 10)).as("commit").isEqualTo(1);
        assertThat(u16(b, 16)).as("zone").isEqualTo(BlockFlows.ZONE);
        assertThat(b[18] & 0xff).as("recirculation table").isEqualTo(2);
        assertThat(u16(b, 24 + 8)).as("nested NXAST_NAT").isEqualTo(36);
    }

    @Test
    void blockFlowsReadBackFromTheWire() throws Exception {
        // Flow statistics carry them back on reconnect: the reader must take the nested actions without
        // failing and keep cookie, match and the ct action. (Loxi reads the nat action's range as a plain list
        // of addresses, ignoring range_present; written out again it gives the same bytes.)
        for (OFMessage m : flows.block(F, OFPort.of(1), block, 7440)) {
            byte[] wire = bytesOf(m);
            OFFlowAdd read = (OFFlowAdd) F.getReader().readFrom(Unpooled.wrappedBuffer(wire));
            OFFlowAdd sent = (OFFlowAdd) m;
            assertThat(read.getCookie()).isEqualTo(sent.getCookie());
            assertThat(read.getMatch()).isEqualTo(sent.getMatch());
            assertThat(bytesOf(read)).isEqualTo(wire);
        }
        OFFlowAdd out = (OFFlowAdd) F.getReader().readFrom(Unpooled.wrappedBuffer(
                bytesOf(flows.block(F, OFPort.of(1), block, 7440).get(0))));
        List<OFAction> actions = ((OFInstructionApplyActions) out.getInstructions().get(0)).getActions();
        OFActionNiciraCt ct = (OFActionNiciraCt) actions.get(actions.size() - 1);
        assertThat(ct.getZone()).isEqualTo(BlockFlows.ZONE);
        assertThat(ct.getActions().get(0)).isInstanceOfSatisfying(OFActionNiciraNat.class,
                n -> assertThat(n.getRangePresent()).isEqualTo(0x33));
    }

    private static byte[] bytesOf(OFMessage m) {
        return bytes(m);
    }


    private static short recirc(OFFlowAdd out) {
        List<OFAction> actions = ((OFInstructionApplyActions) out.getInstructions().get(0)).getActions();
        return ((OFActionNiciraCt) actions.get(actions.size() - 1)).getRecircTable();
    }

    @Test
    void newConnectionsAreCopiedForHairpinningUnlessThatIsOff() {
        Border b = new Border(new org.natflow.controller.api.Dpid(1), F, OFPort.of(1),
                List.of(IPv4Address.of("203.0.113.10")));
        List<OFFlowAdd> on = flows.staticFlows(b).stream().map(m -> (OFFlowAdd) m).toList();
        assertThat(on).filteredOn(a -> a.getTableId().equals(Pipeline.Table.TRACKED.id())).hasSize(3);
        OFFlowAdd copy = on.stream().filter(a -> a.getTableId().equals(Pipeline.Table.TRACKED_COPY.id()))
                .findFirst().orElseThrow();
        assertThat(copy.getInstructions().toString()).as("metered, to the controller")
                .contains("meterId=" + flows.copyMeter()).contains("port=controller");
        assertThat(flows.copyMeter()).as("above every host meter").isGreaterThan(config.maxHosts());

        BlockFlows off = new BlockFlows(config.withTrackedHairpin(false));
        assertThat(off.staticFlows(b)).noneMatch(m -> ((OFFlowAdd) m).getTableId().getValue() >= 4);
        assertThat(recirc((OFFlowAdd) off.block(F, OFPort.of(1), block, 7440).get(0))).as("straight to routing")
                .isEqualTo((short) 2);
    }

    @Test
    void blockFlowsTranslateOutboundThroughTheTrackerAndDeliverTrackedReplies() {
        List<OFMessage> msgs = flows.block(F, OFPort.of(1), block, 7440);
        assertThat(msgs).hasSize(3);
        OFFlowAdd out = (OFFlowAdd) msgs.get(0);
        assertThat(out.getPriority()).isEqualTo(Pipeline.Band.NAT_BLOCK.priority());
        assertThat(out.getMatch().get(MatchField.IPV4_SRC)).isEqualTo(block.inside());
        assertThat(out.getMatch().get(MatchField.ETH_DST)).isEqualTo(config.insideMac());
        assertThat(out.getIdleTimeout()).isEqualTo(7440);
        assertThat(out.getFlags()).contains(OFFlowModFlags.SEND_FLOW_REM);
        assertThat(NatCookies.isBlock(out.getCookie())).isTrue();
        assertThat(NatCookies.isMapping(out.getCookie())).isFalse();
        assertThat(NatCookies.isOutbound(out.getCookie())).isTrue();
        assertThat(NatCookies.blockId(out.getCookie())).isEqualTo(7);
        List<OFAction> actions = ((OFInstructionApplyActions) out.getInstructions().get(0)).getActions();
        OFActionNiciraCt ct = (OFActionNiciraCt) actions.get(actions.size() - 1);
        assertThat(ct.getFlags()).isEqualTo(1);
        assertThat(ct.getRecircTable()).as("to the tracked table, then routed").isEqualTo((short) 4);
        OFActionNiciraNat nat = (OFActionNiciraNat) ct.getActions().get(0);
        assertThat(nat.getPortRange()).extracting(p -> p.getValue()).containsExactly(3072, 5119);

        for (OFMessage m : msgs.subList(1, 3)) {
            OFFlowAdd in = (OFFlowAdd) m;
            assertThat(in.getPriority()).isEqualTo(Pipeline.Band.NAT_BLOCK_TRACKED.priority());
            assertThat(in.getMatch().get(MatchField.IN_PORT)).isEqualTo(OFPort.of(1));
            assertThat(in.getMatch().get(MatchField.IPV4_DST)).isEqualTo(block.inside());
            assertThat(in.getMatch().getMasked(MatchField.CONNTRACK_STATE).getMask()).isNotEqualTo(U32.ZERO);
            assertThat(NatCookies.blockId(in.getCookie())).isEqualTo(7);
            assertThat(NatCookies.isOutbound(in.getCookie())).isFalse();
        }
        assertThat(((OFFlowAdd) msgs.get(1)).getMatch().getMasked(MatchField.CONNTRACK_STATE).getValue().getRaw())
                .isEqualTo(BlockFlows.CS_TRACKED | BlockFlows.CS_ESTABLISHED);
        assertThat(((OFFlowAdd) msgs.get(2)).getMatch().getMasked(MatchField.CONNTRACK_STATE).getValue().getRaw())
                .isEqualTo(BlockFlows.CS_TRACKED | BlockFlows.CS_RELATED);
    }

    @Test
    void aHostAcrossTheFabricIsDeliveredThroughTheFabricTable() {
        PortBlock far = new PortBlock(8, block.inside(), block.address(), block.first(), block.last(), block.dpid(),
                block.hostMac(), HostDelivery.ACROSS_FABRIC, 0);
        OFFlowAdd in = (OFFlowAdd) flows.block(F, OFPort.of(1), far, 60).get(1);
        assertThat(in.getInstructions()).anySatisfy(i -> assertThat(i).isInstanceOfSatisfying(
                OFInstructionGotoTable.class, g -> assertThat(g.getTableId()).isEqualTo(Pipeline.Table.FABRIC.id())));
    }

    @Test
    void untrackedPacketsToEachBorderAddressGoThroughTheTracker() {
        Border b = new Border(new Dpid(1), F, OFPort.of(1), List.of(IPv4Address.of("203.0.113.10"),
                IPv4Address.of("203.0.113.11")));
        List<OFMessage> st = flows.staticFlows(b);
        List<OFFlowAdd> untracked = st.stream().map(m -> (OFFlowAdd) m)
                .filter(a -> a.getPriority() == Pipeline.Band.NAT_BLOCK_UNTRACKED.priority()).toList();
        assertThat(untracked).extracting(a -> a.getMatch().get(MatchField.IPV4_DST))
                .containsExactly(IPv4Address.of("203.0.113.10"), IPv4Address.of("203.0.113.11"));
        OFActionNiciraCt ct = (OFActionNiciraCt) ((OFInstructionApplyActions) untracked.get(0).getInstructions()
                .get(0)).getActions().get(0);
        assertThat(ct.getFlags()).as("no commit for replies").isZero();
        assertThat(ct.getRecircTable()).isEqualTo((short) 1);
        assertThat(st.stream().map(m -> (OFFlowAdd) m).filter(a -> a.getPriority() == Pipeline.Band.NAT_BLOCK_CONTROLLER_PATH.priority()))
                .as("ICMP and inside destinations stay on the controller path").hasSize(2);
    }

    @Test
    void onlyOpenFlow13CarriesTheConntrackActions() {
        assertThat(BlockFlows.supported(F)).isTrue();
        assertThat(BlockFlows.supported(OFFactories.getFactory(OFVersion.OF_10))).isFalse();
    }

    private static org.projectfloodlight.openflow.protocol.OFFlowStatsEntry entry(OFMessage m, long durationSec) {
        OFFlowAdd a = (OFFlowAdd) m;
        return F.buildFlowStatsEntry().setCookie(a.getCookie()).setMatch(a.getMatch()).setPriority(a.getPriority())
                .setTableId(a.getTableId()).setInstructions(a.getInstructions()).setDurationSec(durationSec).build();
    }

    @Test
    void aBlockIsReadBackFromItsFlows() {
        List<OFMessage> msgs = flows.block(F, OFPort.of(1), block, 7440);
        PortBlock read = BlockFlows.read(7, entry(msgs.get(0), 30), entry(msgs.get(1), 30), new Dpid(1), 100_000);
        assertThat(read).isEqualTo(new PortBlock(7, block.inside(), block.address(), block.first(), block.last(),
                new Dpid(1), block.hostMac(), block.hostPort(), 70_000));
        PortBlock far = new PortBlock(9, block.inside(), block.address(), 1024, 1024, block.dpid(), block.hostMac(),
                HostDelivery.ACROSS_FABRIC, 0);
        List<OFMessage> farMsgs = flows.block(F, OFPort.of(1), far, 60);
        assertThat(BlockFlows.read(9, entry(farMsgs.get(0), 0), entry(farMsgs.get(2), 0), new Dpid(1), 0))
                .isEqualTo(far);
        // Flows that do not describe a block: nothing.
        assertThat(BlockFlows.read(7, entry(msgs.get(1), 0), entry(msgs.get(1), 0), new Dpid(1), 0)).isNull();
    }

    @Test
    void natRangesAreReadByTheirLayout() {
        byte[] both = bytes(BlockFlows.snat(F, IPv4Address.of("203.0.113.10"), 3072, 5119));
        assertThat(BlockFlows.natAddress(both)).isEqualTo(IPv4Address.of("203.0.113.10"));
        assertThat(BlockFlows.natPorts(both)).containsExactly(3072, 5119);
        byte[] none = bytes(BlockFlows.unnat(F));
        assertThat(BlockFlows.natAddress(none)).isNull();
        assertThat(BlockFlows.natPorts(none)).isNull();
        assertThat(BlockFlows.natPorts(new byte[3])).isNull();
    }
}
