package org.natflow.apps.l2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.natflow.apps.AppCookies;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

class LearningSwitchTest {

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");

    private final RecordingFlowService flows = new RecordingFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final LearningSwitch app = new LearningSwitch(flows, packets, null, 60, FloodPolicy.ALL);

    private static PacketContext packet(MacAddress src, MacAddress dst, int inPort) {
        byte[] frame = ByteBuffer.allocate(60).put(dst.getBytes()).put(src.getBytes()).putShort((short) 0x0800)
                .array();
        return new PacketContext(DPID, OFVersion.OF_13, OFPort.of(inPort), OFPacketInReason.NO_MATCH, TableId.ZERO,
                U64.ZERO, PacketParser.parse(frame));
    }

    private static OFPort output(List<org.projectfloodlight.openflow.protocol.action.OFAction> actions) {
        return ((OFActionOutput) actions.get(0)).getPort();
    }

    @Test
    void floodsUnknownThenInstallsFlowForKnownDestination() {
        assertThat(app.onPacket(packet(A, B, 1))).isTrue();
        assertThat(flows.batches).isEmpty();
        assertThat(output(packets.sent.get(0).actions())).isEqualTo(OFPort.FLOOD);

        assertThat(app.onPacket(packet(B, A, 2))).isTrue();
        assertThat(flows.batches).hasSize(1);
        OFFlowAdd add = (OFFlowAdd) flows.batches.get(0).messages().get(0);
        assertThat(add.getMatch().get(MatchField.ETH_DST)).isEqualTo(A);
        assertThat(add.getMatch().get(MatchField.ETH_SRC)).isEqualTo(B);
        assertThat(add.getMatch().get(MatchField.IN_PORT)).isEqualTo(OFPort.of(2));
        assertThat(AppCookies.app(add.getCookie())).isEqualTo(AppCookies.L2);
        assertThat(add.getIdleTimeout()).isEqualTo(60);
        var applied = ((OFInstructionApplyActions) add.getInstructions().get(0)).getActions();
        assertThat(output(applied)).isEqualTo(OFPort.of(1));
        assertThat(output(packets.sent.get(1).actions())).as("packet itself forwarded").isEqualTo(OFPort.of(1));
    }

    @Test
    void broadcastIsFloodedAndNoFlowInstalled() {
        app.onPacket(packet(A, MacAddress.BROADCAST, 1));
        assertThat(flows.batches).isEmpty();
        assertThat(output(packets.sent.get(0).actions())).isEqualTo(OFPort.FLOOD);
    }

    @Test
    void portDownForgetsHostsBehindIt() {
        app.onPacket(packet(A, B, 3));
        assertThat(app.macTable().lookup(DPID, A)).contains(OFPort.of(3));
        SwitchInfo sw = new SwitchInfo(DPID, OFVersion.OF_13, "x", java.time.Instant.now(), 1, List.of());
        app.event(SwitchEvent.of(SwitchEvent.Type.PORT_MODIFIED, sw, new SwitchPort(3, "s1-eth3", A, false)));
        assertThat(app.macTable().lookup(DPID, A)).isEqualTo(Optional.empty());
    }

    @Test
    void hostMoveIsRelearned() {
        app.onPacket(packet(A, B, 1));
        app.onPacket(packet(A, B, 4));
        assertThat(app.macTable().lookup(DPID, A)).contains(OFPort.of(4));
    }
}
