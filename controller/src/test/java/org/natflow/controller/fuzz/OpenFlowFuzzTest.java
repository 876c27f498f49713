package org.natflow.controller.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import java.time.Duration;
import org.natflow.controller.channel.OpenFlowMessageDecoder;
import org.natflow.controller.channel.OpenFlowMessageEncoder;
import org.natflow.controller.channel.SwitchChannelHandler;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.core.OpenFlowSettings;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.PacketParser;

/**
 * Coverage-guided fuzzing (Jazzer) of what a switch can send: the OpenFlow decoding path with the handshake
 * handler behind it, and the packet parser. The suite replays the committed corpus
 * (src/test/resources/.../OpenFlowFuzzTestInputs) on every build; {@code JAZZER_FUZZ=1} fuzzes for real (see
 * docs/testing.md).
 */
class OpenFlowFuzzTest {

    private static final OpenFlowController CONTROLLER = new OpenFlowController(new OpenFlowSettings("127.0.0.1",
            0, Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(2), 1, 100, 100));

    /** Any bytes: the pipeline either decodes them, skips them, or closes the connection; nothing escapes. */
    @FuzzTest(maxDuration = "20s")
    void openFlowStreamNeverEscapesThePipeline(byte[] data) {
        EmbeddedChannel ch = new EmbeddedChannel(new OpenFlowMessageDecoder(CONTROLLER.metrics()),
                OpenFlowMessageEncoder.INSTANCE, new SwitchChannelHandler(CONTROLLER, Duration.ofSeconds(3)));
        try {
            // Feed in two pieces: framing must not depend on how reads are cut.
            int cut = data.length / 2;
            ch.writeInbound(Unpooled.wrappedBuffer(data, 0, cut));
            if (ch.isOpen()) {
                ch.writeInbound(Unpooled.wrappedBuffer(data, cut, data.length - cut));
            }
        } catch (DecoderException e) {
            assertThat(e).isInstanceOf(CorruptedFrameException.class);
        } finally {
            Object o;
            while ((o = ch.readOutbound()) != null) {
                ((ByteBuf) o).release();
            }
            ch.finishAndReleaseAll();
        }
    }

    /**
     * Any frame: the parser returns a value (or null for less than an Ethernet header) and never throws; nor
     * does reading it as a link-discovery probe.
     */
    @FuzzTest(maxDuration = "20s")
    void packetParserNeverThrows(byte[] data) {
        EthernetFrame frame = PacketParser.parse(data);
        if (data.length < 14) {
            assertThat(frame).isNull();
        } else {
            assertThat(frame).isNotNull();
            assertThat(frame.bytes()).isSameAs(data);
        }
        PacketParser.parseIpv4(data, 0);
        org.natflow.controller.packet.LldpProbe.parse(frame);
    }
}
