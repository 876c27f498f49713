package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowBatchResult;
import org.natflow.controller.api.FlowMods;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.SwitchNotConnectedException;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.packet.ArpPacket;
import org.natflow.controller.packet.PacketParserTest;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Flow batches, statistics, packet-in and packet-out against a fake switch on the real pipeline. */
class ControllerServicesTest {

    private final OpenFlowController controller = FakeSwitch.controller(1);

    @AfterEach
    void close() {
        controller.close();
    }

    private FakeSwitch active(OFVersion version, long dpid) {
        return FakeSwitch.active(controller, version, dpid);
    }

    private OFFlowAdd flow(FakeSwitch sw, int priority) {
        var b = sw.factory.buildFlowAdd().setPriority(priority).setCookie(U64.of(0x42))
                .setMatch(sw.factory.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).build());
        return FlowMods.withActions(sw.factory, b, List.of(sw.factory.actions().output(OFPort.of(1), 0))).build();
    }

    @Test
    void batchEndsWithBarrierAndReportsErrorsByXid() throws Exception {
        FakeSwitch sw = active(OFVersion.OF_13, 1);
        CompletableFuture<FlowBatchResult> result =
                controller.flows().apply(new Dpid(1), List.of(flow(sw, 10), flow(sw, 20), flow(sw, 30)));
        List<OFMessage> out = sw.drain();
        assertThat(out).extracting(OFMessage::getType).containsExactly(OFType.FLOW_MOD, OFType.FLOW_MOD,
                OFType.FLOW_MOD, OFType.BARRIER_REQUEST);
        assertThat(out).extracting(OFMessage::getXid).doesNotHaveDuplicates();
        sw.send(sw.factory.errorMsgs().buildFlowModFailedErrorMsg().setXid(out.get(1).getXid())
                .setCode(OFFlowModFailedCode.TABLE_FULL).build());
        assertThat(result).isNotDone();
        sw.send(sw.factory.buildBarrierReply().setXid(out.get(3).getXid()).build());
        FlowBatchResult r = result.get(1, TimeUnit.SECONDS);
        assertThat(r.sent()).isEqualTo(3);
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).hasSize(1);
        assertThat(r.errors().get(0).index()).isEqualTo(1);
        assertThat(r.errors().get(0).describe()).isEqualTo("FLOW_MOD_FAILED/TABLE_FULL");
        assertThat(controller.metrics().flowErrors.sum()).isEqualTo(1);
    }

    @Test
    void batchToUnknownSwitchFails() {
        assertThatThrownBy(() -> controller.flows().apply(new Dpid(77), List.of()).get())
                .hasCauseInstanceOf(SwitchNotConnectedException.class);
    }

    @Test
    void disconnectFailsPendingBatch() {
        FakeSwitch sw = active(OFVersion.OF_13, 2);
        CompletableFuture<FlowBatchResult> result = controller.flows().apply(new Dpid(2), List.of(flow(sw, 1)));
        sw.channel.close();
        assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SwitchNotConnectedException.class);
    }

    @Test
    void flowStatsGathersMultipartReplies() throws Exception {
        FakeSwitch sw = active(OFVersion.OF_13, 3);
        var future = controller.statistics().flowStats(new Dpid(3));
        OFMessage req = sw.expect(OFType.STATS_REQUEST);
        OFFlowStatsEntry e1 = sw.factory.buildFlowStatsEntry().setTableId(TableId.ZERO).setPriority(1)
                .setCookie(U64.of(1)).setMatch(sw.factory.matchWildcardAll()).build();
        OFFlowStatsEntry e2 = e1.createBuilder().setPriority(2).build();
        sw.send(sw.factory.buildFlowStatsReply().setXid(req.getXid()).setFlags(Set.of(OFStatsReplyFlags.REPLY_MORE))
                .setEntries(List.of(e1)).build());
        assertThat(future).isNotDone();
        sw.send(sw.factory.buildFlowStatsReply().setXid(req.getXid()).setEntries(List.of(e2)).build());
        assertThat(future.get(1, TimeUnit.SECONDS)).extracting(OFFlowStatsEntry::getPriority).containsExactly(1, 2);
    }

    @Test
    void openflow10FlowStatsFiltersByCookieLocally() throws Exception {
        FakeSwitch sw = active(OFVersion.OF_10, 4);
        var future = controller.statistics().flowStats(new Dpid(4), U64.of(0x0200), U64.of(0xff00));
        OFMessage req = sw.expect(OFType.STATS_REQUEST);
        OFFlowStatsEntry mine = sw.factory.buildFlowStatsEntry().setCookie(U64.of(0x0201))
                .setMatch(sw.factory.matchWildcardAll()).build();
        OFFlowStatsEntry other = mine.createBuilder().setCookie(U64.of(0x0301)).build();
        sw.send(sw.factory.buildFlowStatsReply().setXid(req.getXid()).setEntries(List.of(mine, other)).build());
        assertThat(future.get(1, TimeUnit.SECONDS)).extracting(OFFlowStatsEntry::getCookie)
                .containsExactly(U64.of(0x0201));
    }

    @Test
    void packetInReachesListenersInPriorityOrderParsed() throws Exception {
        FakeSwitch sw = active(OFVersion.OF_13, 5);
        CompletableFuture<PacketContext> seen = new CompletableFuture<>();
        CompletableFuture<Boolean> lowerPrioritySaw = new CompletableFuture<>();
        controller.packets().addListener(200, ctx -> lowerPrioritySaw.complete(true));
        controller.packets().addListener(100, ctx -> seen.complete(ctx));
        byte[] arp = PacketParserTest.arpRequest();
        sw.send(sw.factory.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(arp.length)
                .setReason(OFPacketInReason.NO_MATCH).setTableId(TableId.ZERO).setCookie(U64.of(7))
                .setMatch(sw.factory.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(2)).build())
                .setData(arp).build());
        PacketContext ctx = seen.get(5, TimeUnit.SECONDS);
        assertThat(ctx.dpid()).isEqualTo(new Dpid(5));
        assertThat(ctx.inPort()).isEqualTo(OFPort.of(2));
        assertThat(ctx.cookie()).isEqualTo(U64.of(7));
        assertThat(ctx.frame().payload()).isInstanceOf(ArpPacket.class);
        assertThat(lowerPrioritySaw).as("consumed by the first listener").isNotDone();
        assertThat(controller.metrics().packetInControl.sum()).isEqualTo(1);
    }

    @Test
    void packetOutCarriesDataWithoutBuffer() {
        for (OFVersion v : List.of(OFVersion.OF_10, OFVersion.OF_13, OFVersion.OF_15)) {
            FakeSwitch sw = active(v, 10 + v.ordinal());
            byte[] data = PacketParserTest.arpRequest();
            controller.packets().packetOut(new Dpid(10 + v.ordinal()), OFPort.CONTROLLER,
                    List.of(sw.factory.actions().output(OFPort.of(1), 0)), data);
            OFPacketOut po = (OFPacketOut) sw.expect(OFType.PACKET_OUT);
            assertThat(po.getBufferId()).isEqualTo(OFBufferId.NO_BUFFER);
            assertThat(po.getData()).isEqualTo(data);
            assertThat(po.getVersion()).isEqualTo(v);
        }
    }
}
