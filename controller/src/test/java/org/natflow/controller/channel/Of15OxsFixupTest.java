package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.stat.StatField;
import org.projectfloodlight.openflow.types.U64;

class Of15OxsFixupTest {

    /**
     * An OpenFlow 1.5 flow-desc reply with one entry, OXS ids as the spec and Open vSwitch number them:
     * duration (0), packet_count (4), byte_count (5).
     */
    static byte[] ovsFlowDescReply() {
        String entry = ""
                + "0040" + "0000" + "00" + "00" + "0064" + "0000" + "0000" + "0000" + "0000" // len 64, prio 100
                + "0000000000000042"                                                       // cookie
                + "00010004" + "00000000"                                                   // empty match, pad
                + "0000" + "0028"                                                          // stats length 40
                + "80020008" + "0000000500000000"                                           // duration 5 s
                + "80020808" + "0000000000000007"                                           // packet_count 7
                + "80020a08" + "00000000000003e8";                                          // byte_count 1000
        // 24 fixed + 8 match + 40 stats = 72 bytes, no instructions.
        String padded = entry;
        int length = padded.length() / 2;
        padded = String.format("%04x", length) + padded.substring(4);
        String body = "0001" + "0000" + "00000000" + padded;
        int total = 8 + body.length() / 2;
        return HexFormat.of().parseHex("06" + "13" + String.format("%04x", total) + "00000009" + body);
    }

    @Test
    void ovsNumberedStatsDecodeWithRightValues() throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(ovsFlowDescReply());
        Of15OxsFixup.apply(buf);
        OFMessage m = OFFactories.getGenericReader().readFrom(buf);
        var entry = ((OFFlowStatsReply) m).getEntries().get(0);
        assertThat(entry.getPriority()).isEqualTo(100);
        assertThat(entry.getStats().get(StatField.PACKET_COUNT)).isEqualTo(U64.of(7));
        assertThat(entry.getStats().get(StatField.BYTE_COUNT)).isEqualTo(U64.of(1000));
        assertThat(entry.getStats().get(StatField.DURATION).getValue() >>> 32).isEqualTo(5);
    }

    @Test
    void truncatedInputIsLeftAlone() {
        byte[] reply = ovsFlowDescReply();
        for (int n = 0; n < reply.length; n++) {
            ByteBuf buf = Unpooled.wrappedBuffer(java.util.Arrays.copyOf(reply, n));
            Of15OxsFixup.apply(buf);
        }
    }
}
