package org.natflow.services.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The TURN codec on an EmbeddedChannel: round trips, integrity and fingerprint, and malformed datagrams. */
class TurnCodecTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("169.254.100.2", 40000);
    private static final byte[] TID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    private final LongAdder malformed = new LongAdder();
    private final EmbeddedChannel channel = new EmbeddedChannel(new TurnCodec(malformed));

    private TurnPacket receive(byte[] bytes) {
        channel.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(bytes), CLIENT, CLIENT));
        return channel.readInbound();
    }

    private static StunMessage allocate() {
        return StunMessage.of(StunMessage.ALLOCATE, StunMessage.REQUEST, TID, List.of(
                new StunAttribute(StunAttribute.REQUESTED_TRANSPORT, new byte[] {17, 0, 0, 0}),
                new StunAttribute(StunAttribute.USERNAME, "alice".getBytes(StandardCharsets.UTF_8)),
                new StunAttribute(StunAttribute.XOR_PEER_ADDRESS,
                        StunMessage.xorAddress(new InetSocketAddress("198.51.100.7", 3480)))));
    }

    @Test
    void stunRoundTripWithIntegrityAndFingerprint() throws Exception {
        byte[] key = StunMessage.longTermKey("alice", "natflow", "wonderland");
        byte[] wire = allocate().encode(key, true);
        assertThat(wire.length % 4).isZero();
        assertThat(StunMessage.looksLikeStun(wire)).isTrue();
        TurnPacket p = receive(wire);
        StunMessage m = (StunMessage) p.message();
        assertThat(p.remote()).isEqualTo(CLIENT);
        assertThat(m.method()).isEqualTo(StunMessage.ALLOCATE);
        assertThat(m.messageClass()).isEqualTo(StunMessage.REQUEST);
        assertThat(m.transactionId()).isEqualTo(TID);
        assertThat(m.text(StunAttribute.USERNAME)).contains("alice");
        assertThat(StunMessage.xorAddress(m.attribute(StunAttribute.XOR_PEER_ADDRESS).orElseThrow().value()))
                .isEqualTo(new InetSocketAddress("198.51.100.7", 3480));
        assertThat(m.hasFingerprint()).isTrue();
        assertThat(m.integrityValid(key)).isTrue();
        assertThat(m.integrityValid(StunMessage.longTermKey("alice", "natflow", "wrong"))).isFalse();
        assertThat(malformed.sum()).isZero();
    }

    @Test
    void everyMethodAndClassSurvivesTheTypeEncoding() throws Exception {
        for (int method : new int[] {StunMessage.BINDING, StunMessage.ALLOCATE, StunMessage.REFRESH, StunMessage.SEND,
                StunMessage.DATA, StunMessage.CREATE_PERMISSION, StunMessage.CHANNEL_BIND}) {
            for (int cls = 0; cls < 4; cls++) {
                StunMessage back = StunMessage.decode(StunMessage.of(method, cls, TID, List.of()).encode(null, false));
                assertThat(back.method()).isEqualTo(method);
                assertThat(back.messageClass()).isEqualTo(cls);
            }
        }
        // Binding success response is 0x0101 on the wire (RFC 8489).
        byte[] wire = StunMessage.of(StunMessage.BINDING, StunMessage.SUCCESS, TID, List.of()).encode(null, false);
        assertThat(ByteBuffer.wrap(wire).getShort()).isEqualTo((short) 0x0101);
    }

    @Test
    void outboundPacketsBecomeDatagramsToTheirRemote() {
        byte[] key = StunMessage.longTermKey("alice", "natflow", "wonderland");
        channel.writeOutbound(new TurnPacket(CLIENT, allocate(), key, true));
        DatagramPacket d = channel.readOutbound();
        assertThat(d.recipient()).isEqualTo(CLIENT);
        assertThat(ByteBufUtil.getBytes(d.content())).isEqualTo(allocate().encode(key, true));
        d.release();
        channel.writeOutbound(new TurnPacket(CLIENT, new ChannelData(0x4001, new byte[] {1, 2, 3}), null, false));
        DatagramPacket c = channel.readOutbound();
        assertThat(ByteBufUtil.getBytes(c.content())).containsExactly(0x40, 0x01, 0, 3, 1, 2, 3, 0);
        c.release();
    }

    @Test
    void channelDataRoundTripIgnoresPadding() {
        byte[] data = "relayed payload".getBytes(StandardCharsets.UTF_8);
        TurnPacket p = receive(new ChannelData(0x4ffe, data).encode());
        assertThat(p.message()).isEqualTo(new ChannelData(0x4ffe, data));
    }

    @Test
    void malformedDatagramsAreDroppedCountedAndHarmless() {
        byte[] good = allocate().encode(null, true);
        byte[] badMagic = good.clone();
        badMagic[4] ^= 1;
        byte[] badLength = good.clone();
        badLength[3] += 4;
        byte[] badFingerprint = good.clone();
        badFingerprint[good.length - 1] ^= 1;
        byte[] overrun = Arrays.copyOf(allocate().encode(null, false), 28);
        ByteBuffer.wrap(overrun).putShort(2, (short) 8).putShort(20, (short) 0x0019).putShort(22, (short) 200);
        byte[] topBits = good.clone();
        topBits[0] |= (byte) 0x80;
        List<byte[]> bad = List.of(new byte[0], new byte[] {0, 1, 0}, Arrays.copyOf(good, 19), badMagic, badLength,
                badFingerprint, overrun, topBits,
                new byte[] {0x40, 0x00, 0x00, 0x10, 1, 2}, // ChannelData longer than the datagram
                new byte[] {(byte) 0x7f, (byte) 0xff, 0, 0}); // channel 0x7FFF is not a channel
        for (byte[] b : bad) {
            assertThat(receive(b)).as(Arrays.toString(b)).isNull();
        }
        assertThat(malformed.sum()).isEqualTo(bad.size());
        assertThat(receive(good)).as("the channel still works").isNotNull();
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void integrityIsCheckedOverTheMessageUpToTheAttributeOnly() throws Exception {
        byte[] key = StunMessage.longTermKey("alice", "natflow", "wonderland");
        byte[] wire = allocate().encode(key, false);
        StunMessage m = StunMessage.decode(wire);
        assertThat(m.integrityValid(key)).isTrue();
        byte[] tampered = wire.clone();
        tampered[33] ^= 1; // inside the USERNAME value
        assertThat(StunMessage.decode(tampered).integrityValid(key)).isFalse();
        StunMessage none = StunMessage.decode(allocate().encode(null, false));
        assertThat(none.integrityValid(key)).as("no MESSAGE-INTEGRITY at all").isFalse();
    }
}
