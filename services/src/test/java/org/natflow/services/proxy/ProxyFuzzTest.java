package org.natflow.services.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Coverage-guided fuzzing (Jazzer) of what an inside client can send the proxies: any bytes to the HTTP proxy
 * and to the SOCKS proxy, behind Netty's codecs as natflow runs them. Whatever arrives, the connection is
 * answered properly or closed, by the header deadline at the latest, and leaves no tunnel behind. The suite
 * replays the committed corpus (src/test/resources/.../ProxyFuzzTestInputs) on every build; {@code JAZZER_FUZZ=1}
 * fuzzes for real (see docs/testing.md).
 */
class ProxyFuzzTest {

    /** One proxy for every run: its switch never connects, so no request reaches outside. */
    private static final ProxyBed BED = new ProxyBed();

    @FuzzTest(maxDuration = "20s")
    void proxyRequestsAreAnsweredOrClosed(byte[] data) {
        EmbeddedChannel http = new EmbeddedChannel(new HttpServerCodec(ProxyConfig.MAX_HEAD_BYTES,
                ProxyConfig.MAX_HEAD_BYTES, ProxyConfig.MAX_HEAD_BYTES), new HttpProxyHandler(BED.server,
                ProxyBed.CLIENT));
        EmbeddedChannel socks = new EmbeddedChannel(new SocksVersionSwitch(BED.server, ProxyBed.CLIENT),
                new SocksProxyHandler(BED.server, ProxyBed.CLIENT));
        try {
            for (EmbeddedChannel ch : new EmbeddedChannel[] {http, socks}) {
                ch.writeInbound(Unpooled.wrappedBuffer(data));
                ch.runPendingTasks();
                ch.advanceTimeBy(3, TimeUnit.SECONDS); // past the 2 s header deadline
                ch.runScheduledPendingTasks();
                ch.runPendingTasks();
                ch.checkException();
                assertThat(ch.isOpen()).as("answered or closed by the deadline").isFalse();
            }
            String answer = written(http);
            if (!answer.isEmpty()) {
                assertThat(answer).as("the HTTP proxy answers in HTTP").startsWith("HTTP/1.1 ");
            }
            assertThat(BED.server.tunnelCount()).as("no tunnel outlives its connection").isZero();
        } finally {
            http.finishAndReleaseAll();
            socks.finishAndReleaseAll();
        }
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            if (o instanceof ByteBuf b) {
                sb.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
        }
        return sb.toString();
    }
}
