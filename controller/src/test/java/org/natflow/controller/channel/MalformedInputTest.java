package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.core.OpenFlowController;
import org.projectfloodlight.openflow.protocol.OFEchoReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;

/** Hostile or broken bytes from a switch close or skip; they never throw out of the pipeline. */
class MalformedInputTest {

    private final OpenFlowController controller = FakeSwitch.controller(1);

    @AfterEach
    void close() {
        controller.close();
    }

    private FakeSwitch active(long dpid) {
        return FakeSwitch.active(controller, OFVersion.OF_13, dpid);
    }

    private void assertStillServes(FakeSwitch sw) {
        sw.send(sw.factory.buildEchoRequest().setXid(4242).setData(new byte[0]).build());
        List<OFMessage> out = sw.drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isInstanceOf(OFEchoReply.class);
        assertThat(out.get(0).getXid()).isEqualTo(4242);
    }

    @Test
    void garbageBytesCloseTheConnectionOnly() {
        FakeSwitch good = active(1);
        FakeSwitch bad = active(2);
        bad.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertThat(bad.channel.isActive()).isFalse();
        assertThat(controller.metrics().connectionsRejected.sum()).isEqualTo(1);
        assertThat(controller.switches().get(new Dpid(2))).isEmpty();
        assertThat(controller.switches().get(new Dpid(1))).isPresent();
        assertStillServes(good);
    }

    @Test
    void lengthBelowHeaderClosesTheConnection() {
        FakeSwitch sw = active(3);
        sw.sendBytes(new byte[] {4, 0, 0, 4, 0, 0, 0, 1});
        assertThat(sw.channel.isActive()).isFalse();
    }

    @Test
    void unknownMessageTypeIsSkippedAndStreamStaysInStep() {
        FakeSwitch sw = active(4);
        sw.sendBytes(new byte[] {4, (byte) 200, 0, 12, 0, 0, 0, 9, 1, 2, 3, 4});
        assertThat(sw.channel.isActive()).isTrue();
        assertThat(controller.metrics().messagesSkipped.sum()).isEqualTo(1);
        assertStillServes(sw);
    }

    @Test
    void truncatedPacketInIsSkipped() {
        FakeSwitch sw = active(5);
        // A PACKET_IN header claiming 12 bytes: far shorter than the fixed part of an OF1.3 packet-in.
        sw.sendBytes(new byte[] {4, 10, 0, 12, 0, 0, 0, 9, 0, 0, 0, 0});
        assertThat(sw.channel.isActive()).isTrue();
        assertThat(controller.metrics().messagesSkipped.sum()).isEqualTo(1);
        assertStillServes(sw);
    }

    @Test
    void messageSplitAcrossReadsIsReassembled() {
        FakeSwitch sw = active(6);
        ByteBuf buf = Unpooled.buffer();
        sw.factory.buildEchoRequest().setXid(77).setData(new byte[] {9, 9}).build().writeTo(buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        sw.sendBytes(java.util.Arrays.copyOfRange(bytes, 0, 3));
        assertThat(sw.drain()).isEmpty();
        sw.sendBytes(java.util.Arrays.copyOfRange(bytes, 3, bytes.length));
        assertThat(sw.drain()).extracting(OFMessage::getXid).containsExactly(77L);
    }

    @Test
    void messageInAnotherVersionAfterNegotiationIsSkipped() {
        FakeSwitch sw = active(7);
        var of10 = org.projectfloodlight.openflow.protocol.OFFactories.getFactory(OFVersion.OF_10);
        ByteBuf buf = Unpooled.buffer();
        of10.buildBarrierReply().setXid(5).build().writeTo(buf);
        sw.channel.writeInbound(buf);
        assertThat(sw.channel.isActive()).isTrue();
        assertThat(controller.metrics().messagesSkipped.sum()).isEqualTo(1);
        assertStillServes(sw);
    }
}
