package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.core.OpenFlowController;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFErrorType;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFSetConfig;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.errormsg.OFHelloFailedErrorMsg;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import io.netty.handler.timeout.IdleStateEvent;
import org.projectfloodlight.openflow.types.OFPort;

class SwitchChannelHandlerTest {

    private final OpenFlowController controller = FakeSwitch.controller(1);

    @AfterEach
    void close() {
        controller.close();
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @EnumSource(value = OFVersion.class, names = {"OF_13", "OF_14", "OF_15"})
    void handshakeInstallsTableMissAndRegistersSwitch(OFVersion version) {
        FakeSwitch sw = new FakeSwitch(controller, version);
        List<OFMessage> hello = sw.drain();
        assertThat(hello).hasSize(1);
        assertThat(hello.get(0).getVersion()).isEqualTo(OFVersion.OF_15);
        long bitmap = (1L << 1) | (1L << 4) | (1L << version.getWireVersion());
        sw.send(sw.factory.buildHello().setXid(7)
                .setElements(List.of(sw.factory.helloElemVersionbitmap(
                        List.of(org.projectfloodlight.openflow.types.U32.of(bitmap))))).build());
        OFMessage features = sw.expect(OFType.FEATURES_REQUEST);
        assertThat(features.getVersion()).isEqualTo(version);
        sw.send(sw.factory.buildFeaturesReply().setXid(features.getXid())
                .setDatapathId(org.projectfloodlight.openflow.types.DatapathId.of(0x2a)).setNTables((short) 8)
                .setAuxiliaryId(org.projectfloodlight.openflow.types.OFAuxId.MAIN).build());
        OFMessage portReq = sw.expect(OFType.STATS_REQUEST);
        sw.send(sw.factory.buildPortDescStatsReply().setXid(portReq.getXid())
                .setFlags(java.util.Set.of(org.projectfloodlight.openflow.protocol.OFStatsReplyFlags.REPLY_MORE))
                .setEntries(FakeSwitch.ports(sw.factory, 1)).build());
        assertThat(sw.drain()).as("waits for the last part of a multipart reply").isEmpty();
        sw.send(sw.factory.buildPortDescStatsReply().setXid(portReq.getXid())
                .setEntries(FakeSwitch.ports(sw.factory, 2)).build());

        List<OFMessage> config = sw.drain();
        assertThat(config).extracting(OFMessage::getType)
                .containsExactly(OFType.SET_CONFIG, OFType.FLOW_MOD, OFType.BARRIER_REQUEST);
        assertThat(((OFSetConfig) config.get(0)).getMissSendLen()).isEqualTo(0xffff);
        OFFlowAdd miss = (OFFlowAdd) config.get(1);
        assertThat(miss.getPriority()).isZero();
        assertThat(miss.getMatch().getMatchFields()).isEmpty();
        OFActionOutput out = (OFActionOutput) ((OFInstructionApplyActions) miss.getInstructions().get(0))
                .getActions().get(0);
        assertThat(out.getPort()).isEqualTo(OFPort.CONTROLLER);
        assertThat(controller.switches().switches()).as("not active before the barrier reply").isEmpty();

        sw.send(sw.factory.buildBarrierReply().setXid(config.get(2).getXid()).build());
        SwitchInfo info = controller.switches().get(new Dpid(0x2a)).orElseThrow();
        assertThat(info.version()).isEqualTo(version);
        assertThat(info.tables()).isEqualTo(8);
        assertThat(info.ports()).extracting(p -> p.name()).containsExactly("s1-eth1", "s1-eth2");
    }

    @Test
    void openflow10HandshakeTakesPortsFromFeaturesAndInstallsNoFlow() {
        FakeSwitch sw = new FakeSwitch(controller, OFVersion.OF_10);
        sw.drain();
        sw.send(sw.factory.buildHello().setXid(1).build());
        OFMessage features = sw.expect(OFType.FEATURES_REQUEST);
        assertThat(features.getVersion()).isEqualTo(OFVersion.OF_10);
        sw.send(sw.factory.buildFeaturesReply().setXid(features.getXid())
                .setDatapathId(org.projectfloodlight.openflow.types.DatapathId.of(1)).setNTables((short) 1)
                .setPorts(FakeSwitch.ports(sw.factory, 1, 2, 3)).build());
        List<OFMessage> config = sw.drain();
        assertThat(config).extracting(OFMessage::getType).containsExactly(OFType.SET_CONFIG, OFType.BARRIER_REQUEST);
        sw.send(sw.factory.buildBarrierReply().setXid(config.get(1).getXid()).build());
        assertThat(controller.switches().get(new Dpid(1)).orElseThrow().ports()).hasSize(3);
    }

    @Test
    void noCommonVersionIsRefusedWithHelloFailed() {
        FakeSwitch sw = new FakeSwitch(controller, OFVersion.OF_12);
        sw.drain();
        sw.send(sw.factory.buildHello().setXid(3).build());
        List<OFMessage> out = sw.drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isInstanceOf(OFHelloFailedErrorMsg.class);
        assertThat(((OFHelloFailedErrorMsg) out.get(0)).getErrType()).isEqualTo(OFErrorType.HELLO_FAILED);
        sw.channel.runPendingTasks();
        assertThat(sw.channel.isActive()).isFalse();
        assertThat(controller.metrics().handshakeFailures.sum()).isEqualTo(1);
    }

    @Test
    void echoRequestIsAnsweredWithSameXidAndData() {
        FakeSwitch sw = new FakeSwitch(controller, OFVersion.OF_13);
        sw.handshake(5);
        sw.drain();
        sw.send(sw.factory.buildEchoRequest().setXid(99).setData(new byte[] {1, 2, 3}).build());
        OFEchoReply reply = (OFEchoReply) sw.expect(OFType.ECHO_REPLY);
        assertThat(reply.getXid()).isEqualTo(99);
        assertThat(reply.getData()).containsExactly(1, 2, 3);
    }

    @Test
    void silentSwitchGetsAnEchoThenIsDisconnected() {
        List<SwitchEvent> events = new CopyOnWriteArrayList<>();
        controller.switches().addListener(events::add);
        FakeSwitch sw = new FakeSwitch(controller, OFVersion.OF_13);
        sw.handshake(6);
        sw.drain();
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        sw.expect(OFType.ECHO_REQUEST);
        assertThat(sw.channel.isActive()).isTrue();
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertThat(sw.channel.isActive()).isFalse();
        await(() -> events.stream().anyMatch(e -> e.type() == SwitchEvent.Type.DISCONNECTED));
        assertThat(controller.switches().switches()).isEmpty();
    }

    @Test
    void echoReplyKeepsTheSwitchAlive() {
        FakeSwitch sw = new FakeSwitch(controller, OFVersion.OF_13);
        sw.handshake(6);
        sw.drain();
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
        OFMessage echo = sw.expect(OFType.ECHO_REQUEST);
        sw.send(sw.factory.buildEchoReply().setXid(echo.getXid()).setData(new byte[0]).build());
        sw.channel.pipeline().fireUserEventTriggered(IdleStateEvent.READER_IDLE_STATE_EVENT);
        assertThat(sw.channel.isActive()).isTrue();
    }

    @Test
    void handshakeTimesOut() {
        FakeSwitch sw = new FakeSwitch(controller, OFVersion.OF_13);
        sw.drain();
        sw.channel.advanceTimeBy(4, TimeUnit.SECONDS);
        sw.channel.runScheduledPendingTasks();
        assertThat(sw.channel.isActive()).isFalse();
        assertThat(controller.metrics().handshakeFailures.sum()).isEqualTo(1);
    }

    @Test
    void reconnectWithSameDpidReplacesTheOldSession() {
        List<SwitchEvent> events = new CopyOnWriteArrayList<>();
        controller.switches().addListener(events::add);
        FakeSwitch first = new FakeSwitch(controller, OFVersion.OF_13);
        first.handshake(9);
        FakeSwitch second = new FakeSwitch(controller, OFVersion.OF_14);
        second.handshake(9);
        assertThat(first.channel.isActive()).as("old connection closed").isFalse();
        await(() -> events.size() >= 3);
        assertThat(events).extracting(SwitchEvent::type).containsExactly(SwitchEvent.Type.CONNECTED,
                SwitchEvent.Type.DISCONNECTED, SwitchEvent.Type.CONNECTED);
        assertThat(controller.switches().get(new Dpid(9)).orElseThrow().version()).isEqualTo(OFVersion.OF_14);
        first.channel.close();
        assertThat(controller.switches().get(new Dpid(9))).as("old close leaves the new session").isPresent();
    }

    @Test
    void portStatusUpdatesPortsAndRaisesEvent() {
        List<SwitchEvent> events = new CopyOnWriteArrayList<>();
        controller.switches().addListener(events::add);
        FakeSwitch sw = new FakeSwitch(controller, OFVersion.OF_13);
        sw.handshake(3);
        var down = sw.factory.buildPortDesc().setPortNo(OFPort.of(2)).setName("s1-eth2")
                .setHwAddr(org.projectfloodlight.openflow.types.MacAddress.of(2)).setConfig(java.util.Set.of())
                .setState(java.util.Set.of(org.projectfloodlight.openflow.protocol.OFPortState.LINK_DOWN)).build();
        sw.send(sw.factory.buildPortStatus().setReason(org.projectfloodlight.openflow.protocol.OFPortReason.MODIFY)
                .setDesc(down).build());
        await(() -> events.stream().anyMatch(e -> e.type() == SwitchEvent.Type.PORT_MODIFIED));
        assertThat(controller.switches().get(new Dpid(3)).orElseThrow().port(2).orElseThrow().up()).isFalse();
    }

    @Test
    void helloInOneVersionNegotiatesDownWithoutBitmap() {
        var hello = OFFactories.getFactory(OFVersion.OF_13).buildHello().setXid(1).build();
        assertThat(VersionNegotiation.negotiate(hello)).contains(OFVersion.OF_13);
        var hello11 = OFFactories.getFactory(OFVersion.OF_11).buildHello().setXid(1).build();
        assertThat(VersionNegotiation.negotiate(hello11)).isEmpty();
    }
}
