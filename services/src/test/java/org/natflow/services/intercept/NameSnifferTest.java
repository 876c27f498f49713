package org.natflow.services.intercept;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sniffers on an embedded channel: the name read, and every byte passed on untouched. */
class NameSnifferTest {

    /** What reaches the handler after the sniffers. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Sniffed> events = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Sniffed s) {
                events.add(s);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            bytes.writeBytes(ByteBufUtil.getBytes(b));
            b.release();
        }
    }

    private static Recorder feed(byte[]... parts) {
        Recorder r = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new NameSniffer(), r);
        for (byte[] p : parts) {
            ch.writeInbound(Unpooled.wrappedBuffer(p));
        }
        ch.finishAndReleaseAll();
        return r;
    }

    private static byte[] clientHello(String sni) throws Exception {
        EmbeddedChannel client = new EmbeddedChannel(SslContextBuilder.forClient().build()
                .newHandler(ByteBufAllocator.DEFAULT, sni, 443));
        ByteBuf out = Unpooled.buffer();
        for (Object m; (m = client.readOutbound()) != null; ) {
            out.writeBytes((ByteBuf) m);
            ((ByteBuf) m).release();
        }
        client.finishAndReleaseAll();
        return ByteBufUtil.getBytes(out);
    }

    @Test
    void theSniOfAClientHelloSplitAcrossSegmentsIsRead() throws Exception {
        byte[] hello = clientHello("Allowed.Example");
        Recorder r = feed(Arrays.copyOf(hello, 12), Arrays.copyOfRange(hello, 12, hello.length));
        assertThat(r.events).containsExactly(new Sniffed(Sniffed.Kind.TLS, "allowed.example", false));
        assertThat(r.bytes.toByteArray()).as("the ClientHello goes on as it came").isEqualTo(hello);
    }

    @Test
    void aNameThatIsNoHostNameIsUnreadableNotPassedOn() throws Exception {
        // A ClientHello whose SNI is "allowed" and a run of dots (found by the fuzz target, kept in its corpus).
        byte[] hello;
        try (java.io.InputStream in = getClass().getResourceAsStream(
                "InterceptFuzzTestInputs/firstBytesAreNamedAndPassedOnOrClosed/sni-trailing-dots")) {
            hello = in.readAllBytes();
        }
        Recorder r = feed(hello);
        assertThat(r.events).as("trailing dots would slip past a deny list")
                .containsExactly(new Sniffed(Sniffed.Kind.TLS, null, true));
        Recorder h = feed("GET / HTTP/1.1\r\nHost: blocked example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(h.events).containsExactly(new Sniffed(Sniffed.Kind.HTTP, null, true));
    }

    @Test
    void theHostOfAnHttpRequestIsRead() {
        byte[] req = "GET /x HTTP/1.1\r\nUser-Agent: t\r\nHost: Web.Example:8080\r\n\r\nbody".getBytes(
                StandardCharsets.US_ASCII);
        Recorder r = feed(Arrays.copyOf(req, 20), Arrays.copyOfRange(req, 20, req.length));
        assertThat(r.events).containsExactly(new Sniffed(Sniffed.Kind.HTTP, "web.example", false));
        assertThat(r.bytes.toByteArray()).isEqualTo(req);
    }

    @Test
    void otherBytesAndEndlessHeadsNameNothing() {
        byte[] ssh = "SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII);
        Recorder r = feed(ssh);
        assertThat(r.events).containsExactly(new Sniffed(Sniffed.Kind.OTHER, null, false));
        assertThat(r.bytes.toByteArray()).isEqualTo(ssh);

        Recorder shortLine = feed("x\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(shortLine.events).as("two bytes that are neither TLS nor HTTP: decided at once")
                .containsExactly(new Sniffed(Sniffed.Kind.OTHER, null, false));
        assertThat(shortLine.bytes.toByteArray()).isEqualTo("x\n".getBytes(StandardCharsets.US_ASCII));

        byte[] endless = ("GET / HTTP/1.1\r\nX: " + "a".repeat(InterceptConfig.MAX_SNIFF_BYTES)).getBytes(
                StandardCharsets.US_ASCII);
        Recorder e = feed(endless);
        assertThat(e.events).as("past the bound: unnamed, not waited for").containsExactly(
                new Sniffed(Sniffed.Kind.HTTP, null, false));
        assertThat(e.bytes.size()).isEqualTo(endless.length);
    }

    @Test
    void thePolicyMatchesSuffixesOnLabelBoundaries() {
        InterceptPolicy deny = new InterceptPolicy(List.of(), List.of("Blocked.Example."));
        assertThat(deny.verdict("blocked.example")).isEqualTo(InterceptPolicy.Verdict.DENIED);
        assertThat(deny.verdict("www.blocked.example")).isEqualTo(InterceptPolicy.Verdict.DENIED);
        assertThat(deny.verdict("notblocked.example")).isEqualTo(InterceptPolicy.Verdict.ALLOWED);
        assertThat(deny.verdict(null)).isEqualTo(InterceptPolicy.Verdict.ALLOWED);
        InterceptPolicy allow = new InterceptPolicy(List.of("example.org"), List.of("bad.example.org"));
        assertThat(allow.verdict("www.example.org")).isEqualTo(InterceptPolicy.Verdict.ALLOWED);
        assertThat(allow.verdict("bad.example.org")).isEqualTo(InterceptPolicy.Verdict.DENIED);
        assertThat(allow.verdict("example.com")).isEqualTo(InterceptPolicy.Verdict.DENIED);
        assertThat(allow.verdict(null)).as("naming nothing, with an allow list").isEqualTo(InterceptPolicy.Verdict.DENIED);
    }
}
