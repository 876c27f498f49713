package org.natflow.services.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP proxy's answers to requests it does not serve, in an embedded channel. */
class HttpProxyHandlerTest {

    private final ProxyBed bed = new ProxyBed();

    @AfterEach
    void close() {
        bed.close();
    }

    private EmbeddedChannel client() {
        return new EmbeddedChannel(new HttpServerCodec(ProxyConfig.MAX_HEAD_BYTES, ProxyConfig.MAX_HEAD_BYTES,
                ProxyConfig.MAX_HEAD_BYTES), new HttpProxyHandler(bed.server, ProxyBed.CLIENT));
    }

    /** What the proxy answers {@code request}; the connection is closed after it. */
    private String answer(String request) {
        EmbeddedChannel ch = client();
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        String out = written(ch);
        assertThat(ch.isOpen()).as("closed after the answer to " + request.lines().findFirst().orElse("")).isFalse();
        return out;
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            sb.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return sb.toString();
    }

    @Test
    void garbageIsABadRequest() {
        assertThat(answer("NOT A REQUEST\r\n\r\n")).startsWith("HTTP/1.1 400 ").containsIgnoringCase("Connection: close");
        assertThat(bed.refused(Refusal.MALFORMED)).isEqualTo(1);
    }

    @Test
    void aHeadPastEightKibIsRefusedWithoutReadingOn() {
        assertThat(answer("GET http://203.0.113.20/ HTTP/1.1\r\nX-Big: " + "x".repeat(9000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431 ");
        assertThat(answer("GET http://203.0.113.20/" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n"))
                .as("a request line past 8 KiB").startsWith("HTTP/1.1 431 ");
        assertThat(bed.refused(Refusal.TOO_LARGE)).isEqualTo(2);
    }

    @Test
    void onlyProxyRequestsForHttpUrlsAreForwarded() {
        assertThat(answer("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")).as("origin form").startsWith("HTTP/1.1 400 ");
        assertThat(answer("GET https://203.0.113.20/ HTTP/1.1\r\n\r\n")).as("https without CONNECT")
                .startsWith("HTTP/1.1 501 ");
        assertThat(answer("GET http://user@203.0.113.20/ HTTP/1.1\r\n\r\n")).as("user info").startsWith("HTTP/1.1 400 ");
        assertThat(answer("GET http://[2001:db8::1]/ HTTP/1.1\r\n\r\n")).as("IPv6").startsWith("HTTP/1.1 400 ");
    }

    @Test
    void connectIsLimitedToItsPortsAndNeedsHostAndPort() {
        assertThat(answer("CONNECT 203.0.113.20:25 HTTP/1.1\r\n\r\n")).as("not a CONNECT port")
                .startsWith("HTTP/1.1 403 ").contains("port 25");
        assertThat(answer("CONNECT 203.0.113.20 HTTP/1.1\r\n\r\n")).as("no port").startsWith("HTTP/1.1 400 ");
        assertThat(answer("CONNECT 203.0.113.20:99999 HTTP/1.1\r\n\r\n")).as("no such port")
                .startsWith("HTTP/1.1 400 ");
        assertThat(answer("CONNECT 203.0.113.20:443 HTTP/1.1\r\n\r\n")).as("an allowed one, its border down")
                .startsWith("HTTP/1.1 502 ");
        assertThat(answer("CONNECT 10.0.0.12:443 HTTP/1.1\r\n\r\n")).as("an inside host").startsWith("HTTP/1.1 403 ");
        assertThat(bed.server.tunnelCount()).as("refused tunnels are not kept").isZero();
    }

    @Test
    void usersMustSayWhoTheyAre() {
        bed.server.policy(ProxyPolicy.defaults().withUsers(List.of(new ProxyUser("alice",
                ProxyPasswords.hash("wonderland")))));
        String none = answer("CONNECT 203.0.113.20:443 HTTP/1.1\r\n\r\n");
        assertThat(none).startsWith("HTTP/1.1 407 ").containsIgnoringCase("Proxy-Authenticate: Basic realm=\"natflow\"");
        assertThat(answer("CONNECT 203.0.113.20:443 HTTP/1.1\r\nProxy-Authorization: Basic "
                + Base64.getEncoder().encodeToString("alice:wrong".getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 407 ");
        assertThat(answer("CONNECT 203.0.113.20:443 HTTP/1.1\r\nProxy-Authorization: Basic !!!\r\n\r\n"))
                .as("not base64").startsWith("HTTP/1.1 407 ");
        assertThat(answer("CONNECT 203.0.113.20:443 HTTP/1.1\r\nProxy-Authorization: Basic "
                + Base64.getEncoder().encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n"))
                .as("alice gets past authentication (to the border that is down)").startsWith("HTTP/1.1 502 ");
        assertThat(bed.refused(Refusal.AUTHENTICATION)).isEqualTo(3);
    }

    @Test
    void aRequestHeadNeverFinishedTimesOut() {
        EmbeddedChannel ch = client();
        ch.writeInbound(Unpooled.copiedBuffer("CONNECT 203.0.113.20:443 HTTP/1.1\r\nHost: a", StandardCharsets.US_ASCII));
        ch.advanceTimeBy(1, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        ch.writeInbound(Unpooled.copiedBuffer("b", StandardCharsets.US_ASCII)); // a byte now and then: no reprieve
        assertThat(ch.isOpen()).isTrue();
        ch.advanceTimeBy(1500, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(written(ch)).startsWith("HTTP/1.1 408 ");
        assertThat(ch.isOpen()).isFalse();
        assertThat(bed.refused(Refusal.HEADER_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void switchedOffOrAnotherSourceIsNotAllowed() {
        ProxyPolicy d = ProxyPolicy.defaults();
        bed.server.policy(new ProxyPolicy(false, List.of(), List.of(), List.of(), List.of(), d.connectPorts(), 10,
                d.connectTimeout(), d.idleTimeout()));
        assertThat(answer("CONNECT 203.0.113.20:443 HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 ").contains("off");
        bed.server.policy(new ProxyPolicy(true, List.of(), List.of(org.natflow.apps.border.Addresses.prefix(
                "10.0.0.128/25")), List.of(), List.of(), d.connectPorts(), 10, d.connectTimeout(), d.idleTimeout()));
        assertThat(answer("CONNECT 203.0.113.20:443 HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 403 ")
                .contains("10.0.0.11 may not");
    }
}
