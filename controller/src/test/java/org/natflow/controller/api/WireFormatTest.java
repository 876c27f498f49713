package org.natflow.controller.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;

class WireFormatTest {

    private static final OFFactory F = OFFactories.getFactory(OFVersion.OF_13);

    @Test
    void messageBytesAreItsHeaderAndBodyAsSent() {
        byte[] b = WireFormat.bytes(F.buildEchoRequest().setXid(0x01020304).setData(new byte[] {9, 8}).build());
        assertThat(b).containsExactly(4, 2, 0, 10, 1, 2, 3, 4, 9, 8);
    }

    @Test
    void actionBytesFollowTheSpecLayout() {
        // OFPAT_OUTPUT: type 0, length 16, port 7, max_len 0xffe5, 6 bytes of padding
        assertThat(WireFormat.bytes(F.actions().output(OFPort.of(7), 0xffe5)))
                .containsExactly(0, 0, 0, 16, 0, 0, 0, 7, 0xff, 0xe5, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void bytesReadBackAsTheSameMessage() throws Exception {
        OFPacketOut out = F.buildPacketOut().setXid(5).setBufferId(OFBufferId.NO_BUFFER).setInPort(OFPort.CONTROLLER)
                .setActions(List.of(F.actions().output(OFPort.TABLE, 0))).setData(new byte[] {1, 2, 3}).build();
        assertThat(F.getReader().readFrom(Unpooled.wrappedBuffer(WireFormat.bytes(out)))).isEqualTo(out);
    }
}
