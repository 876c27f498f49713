package org.natflow.services.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.services.turn.ChannelData;
import org.natflow.services.turn.StunAttribute;
import org.natflow.services.turn.StunException;
import org.natflow.services.turn.StunMessage;
import org.natflow.services.turn.TurnCodec;
import org.natflow.services.turn.TurnPacket;

/**
 * Coverage-guided fuzzing (Jazzer) of what a TURN client, or anyone spoofing one, can send: any datagram through
 * the TURN codec, then every attribute reading the server does, and the message signed again with a key. The
 * suite replays the committed corpus (src/test/resources/.../StunFuzzTestInputs) on every build;
 * {@code JAZZER_FUZZ=1} fuzzes for real (see docs/testing.md).
 */
class StunFuzzTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("169.254.100.2", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("169.254.100.1", 3478);
    private static final byte[] KEY = StunMessage.longTermKey("alice", "natflow", "wonderland");
    private static final Set<Integer> ADDRESSES = Set.of(StunAttribute.XOR_PEER_ADDRESS,
            StunAttribute.XOR_RELAYED_ADDRESS, StunAttribute.XOR_MAPPED_ADDRESS);
    private static final Set<Integer> NUMBERS = Set.of(StunAttribute.LIFETIME, StunAttribute.REQUESTED_TRANSPORT,
            StunAttribute.CHANNEL_NUMBER);

    /**
     * Any datagram is decoded into one packet or dropped and counted as malformed, never anything else; a decoded
     * STUN message's attributes read as values or as a {@link StunException}; its integrity check answers false
     * rather than throwing; signed again with a key it decodes to the same message and verifies; ChannelData
     * encodes back to itself.
     */
    @FuzzTest(maxDuration = "20s")
    void turnDatagramsAreDecodedOrDropped(byte[] data) throws StunException {
        LongAdder malformed = new LongAdder();
        EmbeddedChannel ch = new EmbeddedChannel(new TurnCodec(malformed));
        try {
            ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(data), SERVER, CLIENT));
            TurnPacket p = ch.readInbound();
            assertThat((Object) ch.readInbound()).as("one datagram, at most one packet").isNull();
            if (p == null) {
                assertThat(malformed.sum()).as("a dropped datagram is counted").isEqualTo(1);
                return;
            }
            assertThat(malformed.sum()).isZero();
            assertThat(p.remote()).isEqualTo(CLIENT);
            if (p.message() instanceof ChannelData cd) {
                assertThat(ChannelData.decode(cd.encode())).isEqualTo(cd);
            } else {
                stun((StunMessage) p.message(), data);
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void stun(StunMessage m, byte[] data) throws StunException {
        assertThat(data.length % 4).as("STUN messages are whole words").isZero();
        for (StunAttribute a : m.attributes()) {
            // The server's readings: a value, or a StunException (its 400); any other exception fails the run.
            try {
                if (ADDRESSES.contains(a.type())) {
                    byte[] again = StunMessage.xorAddress(StunMessage.xorAddress(a.value()));
                    assertThat(Arrays.copyOfRange(again, 1, again.length)).as("an address read back writes the"
                            + " same value (the first byte is reserved)").isEqualTo(Arrays.copyOfRange(a.value(), 1,
                            a.value().length));
                } else if (NUMBERS.contains(a.type())) {
                    assertThat(StunMessage.u32(StunMessage.u32(a.value()))).isEqualTo(a.value());
                }
            } catch (StunException refused) {
                // a bad value is the server's 400, not a crash
            }
            m.text(a.type());
        }
        m.integrityValid(KEY); // a forged or truncated MESSAGE-INTEGRITY is false, never an exception
        List<StunAttribute> plain = m.attributes().stream().filter(a -> a.type() != StunAttribute.MESSAGE_INTEGRITY
                && a.type() != StunAttribute.FINGERPRINT).toList();
        byte[] signed = StunMessage.of(m.method(), m.messageClass(), m.transactionId(), plain).encode(KEY, true);
        if (signed.length - StunMessage.HEADER > 0xffff) {
            return; // the original was near the length limit; integrity and fingerprint do not fit
        }
        StunMessage back = StunMessage.decode(signed);
        assertThat(back.method()).isEqualTo(m.method());
        assertThat(back.messageClass()).isEqualTo(m.messageClass());
        assertThat(back.transactionId()).isEqualTo(m.transactionId());
        assertThat(back.integrityValid(KEY)).as("signed with the key, verified with it").isTrue();
        assertThat(back.hasFingerprint()).isTrue();
        assertThat(back.attributes().stream().filter(a -> a.type() != StunAttribute.MESSAGE_INTEGRITY
                && a.type() != StunAttribute.FINGERPRINT).toList()).isEqualTo(plain);
    }
}
