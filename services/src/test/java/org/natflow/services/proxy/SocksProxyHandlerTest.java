package org.natflow.services.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SOCKS proxy's answers to requests it does not serve, byte for byte, in an embedded channel. */
class SocksProxyHandlerTest {

    private final ProxyBed bed = new ProxyBed();

    @AfterEach
    void close() {
        bed.close();
    }

    private EmbeddedChannel client() {
        return new EmbeddedChannel(new SocksVersionSwitch(bed.server, ProxyBed.CLIENT),
                new SocksProxyHandler(bed.server, ProxyBed.CLIENT));
    }

    private static byte[] send(EmbeddedChannel ch, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        ch.writeInbound(Unpooled.wrappedBuffer(b));
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf o; (o = ch.readOutbound()) != null; ) {
            out.writeBytes(o);
            o.release();
        }
        byte[] r = new byte[out.readableBytes()];
        out.readBytes(r);
        return r;
    }

    @Test
    void neitherSocks4Nor5IsDroppedAndCounted() {
        EmbeddedChannel ch = client();
        assertThat(send(ch, 7, 1, 'g', 'a', 'r')).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        assertThat(bed.refused(Refusal.MALFORMED)).isEqualTo(1);
    }

    @Test
    void commandsAndAddressTypesNotServedGetTheirReplyCodes() {
        EmbeddedChannel bind = client();
        assertThat(send(bind, 5, 1, 0)).containsExactly(5, 0);
        assertThat(send(bind, 5, 2, 0, 1, 203, 0, 113, 20, 0, 80)).startsWith(5, 7);
        assertThat(bind.isOpen()).isFalse();

        EmbeddedChannel unknownType = client();
        send(unknownType, 5, 1, 0);
        assertThat(send(unknownType, 5, 1, 0, 9, 1, 2)).as("address type 9").startsWith(5, 8);

        EmbeddedChannel v6 = client();
        send(v6, 5, 1, 0);
        int[] request = new int[4 + 16 + 2];
        request[0] = 5;
        request[1] = 1;
        request[3] = 4;
        request[21] = 80;
        assertThat(send(v6, request)).as("IPv6").startsWith(5, 8);

        EmbeddedChannel inside = client();
        send(inside, 5, 1, 0);
        assertThat(send(inside, 5, 1, 0, 1, 10, 0, 0, 12, 0, 80)).as("an inside host").startsWith(5, 2);
        assertThat(bed.refused(Refusal.UNSUPPORTED_COMMAND)).isEqualTo(1);
        assertThat(bed.refused(Refusal.UNSUPPORTED_ADDRESS)).isEqualTo(2);
        assertThat(bed.refused(Refusal.NOT_ALLOWED)).isEqualTo(1);
    }

    @Test
    void withUsersOnlyPasswordsWillDo() {
        bed.server.policy(ProxyPolicy.defaults().withUsers(List.of(new ProxyUser("alice",
                ProxyPasswords.hash("wonderland")))));
        EmbeddedChannel noAuth = client();
        assertThat(send(noAuth, 5, 1, 0)).as("no acceptable method").containsExactly(5, 0xff);
        assertThat(noAuth.isOpen()).isFalse();

        EmbeddedChannel wrong = client();
        assertThat(send(wrong, 5, 2, 0, 2)).containsExactly(5, 2);
        assertThat(send(wrong, 1, 5, 'a', 'l', 'i', 'c', 'e', 5, 'w', 'r', 'o', 'n', 'g')[1]).as("RFC 1929 failure")
                .isNotZero();
        assertThat(wrong.isOpen()).isFalse();

        EmbeddedChannel alice = client();
        send(alice, 5, 1, 2);
        assertThat(send(alice, 1, 5, 'a', 'l', 'i', 'c', 'e', 10, 'w', 'o', 'n', 'd', 'e', 'r', 'l', 'a', 'n', 'd'))
                .containsExactly(1, 0);
        assertThat(send(alice, 5, 2, 0, 1, 203, 0, 113, 20, 0, 80)).as("then a command").startsWith(5, 7);

        EmbeddedChannel socks4 = client();
        assertThat(send(socks4, 4, 1, 0, 80, 203, 0, 113, 20, 0)).as("SOCKS4 has no passwords").startsWith(0, 0x5b);
        assertThat(bed.refused(Refusal.AUTHENTICATION)).isEqualTo(3);
    }
}
