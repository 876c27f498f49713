package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U32;

class TrackedPacketInFixupTest {

    private static final String DATA = "0a0b0c0d0e0f";

    /**
     * An OpenFlow 1.3 packet-in as Open vSwitch sends one for a tracked packet: in_port, ct_state, ct_nw_src,
     * ct_tp_src and reg0 in the match, then six bytes of packet.
     */
    static byte[] trackedPacketIn() {
        String oxms = "80000004" + "00000002"        // in_port 2
                + "0001d204" + "00000021"               // ct_state +new+trk
                + "0001f004" + "0a00000b"               // ct_nw_src 10.0.0.11 (unknown to Loxi)
                + "0001f802" + "afc8"                   // ct_tp_src 45000 (unknown to Loxi)
                + "00010004" + "0a00000b";              // reg0 10.0.0.11
        int matchLength = 4 + oxms.length() / 2;
        int padded = (matchLength + 7) & ~7;
        String match = "0001" + String.format("%04x", matchLength) + oxms + "00".repeat(padded - matchLength);
        String body = "ffffffff" + "0006" + "01" + "04" + "0000000000000007" + match + "0000" + DATA;
        int total = 8 + body.length() / 2;
        return HexFormat.of().parseHex("04" + "0a" + String.format("%04x", total) + "00000000" + body);
    }

    @Test
    void loxiRefusesTheUnknownFieldsWithoutTheFixup() {
        assertThatThrownBy(() -> OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(trackedPacketIn())))
                .isInstanceOf(OFParseError.class);
    }

    @Test
    void trackedPacketInsDecodeWithTheFieldsLoxiKnowsAndTheirPacket() throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(trackedPacketIn());
        TrackedPacketInFixup.apply(buf);
        OFPacketIn in = (OFPacketIn) OFFactories.getGenericReader().readFrom(buf);
        assertThat(in.getMatch().get(MatchField.IN_PORT)).isEqualTo(OFPort.of(2));
        assertThat(in.getMatch().get(MatchField.CONNTRACK_STATE)).isEqualTo(U32.of(0x21));
        assertThat(in.getMatch().get(MatchField.REG0)).isEqualTo(U32.of(0x0a00000b));
        assertThat(in.getCookie().getValue()).isEqualTo(7);
        assertThat(HexFormat.of().formatHex(in.getData())).isEqualTo(DATA);
        assertThat(buf.readableBytes()).isZero();
    }

    @Test
    void truncatedInputIsLeftAlone() {
        byte[] message = trackedPacketIn();
        for (int n = 0; n < message.length; n++) {
            ByteBuf buf = Unpooled.wrappedBuffer(java.util.Arrays.copyOf(message, n));
            TrackedPacketInFixup.apply(buf);
            assertThat(buf.readableBytes()).isLessThanOrEqualTo(n);
        }
    }
}
