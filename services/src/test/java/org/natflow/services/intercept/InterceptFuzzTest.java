package org.natflow.services.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing (Jazzer) of an intercepted client's first bytes through the sniffers, in two segments
 * split where the input says: whatever arrives, the sniffers name at most one server (a valid host name or
 * none) and pass every byte on untouched, or close the connection (a record no TLS client sends); nothing
 * escapes the pipeline. The suite replays the committed corpus on every build; {@code JAZZER_FUZZ=1} fuzzes for
 * real (docs/testing.md).
 */
class InterceptFuzzTest {

    @FuzzTest(maxDuration = "20s")
    void firstBytesAreNamedAndPassedOnOrClosed(byte[] data) {
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        int[] events = new int[1];
        String[] name = new String[1];
        EmbeddedChannel ch = new EmbeddedChannel(new NameSniffer(), new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof Sniffed s) {
                    events[0]++;
                    name[0] = s.name();
                }
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                passed.writeBytes(ByteBufUtil.getBytes((ByteBuf) msg));
                ((ByteBuf) msg).release();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close(); // as the splicer does
            }
        });
        try {
            int cut = data.length == 0 ? 0 : (data[0] & 0xff) % (data.length + 1);
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(data, cut)));
            if (ch.isOpen()) {
                ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(data, cut, data.length)));
            }
            ch.runPendingTasks();
            ch.checkException();
            assertThat(events[0]).as("at most one name").isLessThanOrEqualTo(1);
            if (name[0] != null) {
                assertThat(name[0]).as("a name as the policy keeps it").doesNotEndWith(".").isLowerCase();
            }
            if (ch.isOpen() && events[0] == 1) {
                assertThat(passed.toByteArray()).as("every byte passed on untouched").isEqualTo(data);
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }
}
