package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.packet.Checksums;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

class FragmentTranslatorTest {

    private static final IPv4Address INSIDE = IPv4Address.of("10.0.0.11");
    private static final IPv4Address PUBLIC = IPv4Address.of("203.0.113.10");
    private static final IPv4Address REMOTE = IPv4Address.of("203.0.113.100");
    private final NatSession s = new NatSession(1, Protocol.UDP, INSIDE, 5000, PUBLIC, 40000, Instant.EPOCH,
            new Dpid(1), MacAddress.of(9), OFPort.of(2));

    /** The first fragment (MF set) of a UDP datagram whose whole payload is {@code payload}. */
    private static byte[] firstFragment(byte[] payload, int carried) {
        int udpLen = 8 + payload.length;
        byte[] udp = ByteBuffer.allocate(udpLen).putShort((short) 5000).putShort((short) 5400)
                .putShort((short) udpLen).putShort((short) 0).put(payload).array();
        byte[] pseudo = ByteBuffer.allocate(12 + udpLen).putInt(INSIDE.getInt()).putInt(REMOTE.getInt())
                .put((byte) 0).put((byte) 17).putShort((short) udpLen).put(udp).array();
        IcmpRewriter.putShort(udp, 6, Checksums.ones(pseudo, 0, pseudo.length));
        byte[] ip = ByteBuffer.allocate(20 + 8 + carried).put((byte) 0x45).put((byte) 0)
                .putShort((short) (28 + carried)).putShort((short) 0x4242).putShort((short) 0x2000).put((byte) 64)
                .put((byte) 17).putShort((short) 0).putInt(INSIDE.getInt()).putInt(REMOTE.getInt())
                .put(udp, 0, 8 + carried).array();
        IcmpRewriter.ipChecksum(ip, 0);
        return ByteBuffer.allocate(14 + ip.length).put(new byte[12]).putShort((short) 0x0800).put(ip).array();
    }

    @Test
    void firstFragmentGetsPortAddressAndWholeDatagramChecksumAdjusted() {
        byte[] payload = new byte[2000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        byte[] frame = firstFragment(payload, 1472);
        Ipv4Packet ip = PacketParser.parse(frame).ipv4();
        assertThat(ip.isFragment()).isTrue();
        FragmentTranslator.rewriteFirst(frame, ip, true, PUBLIC, 40000);
        Ipv4Packet out = PacketParser.parse(frame).ipv4();
        assertThat(out.checksumValid()).isTrue();
        assertThat(out.src()).isEqualTo(PUBLIC);
        assertThat(out.ttl()).isEqualTo(63);
        assertThat(((UdpDatagram) out.transport()).srcPort()).isEqualTo(40000);
        // The UDP checksum covers the whole datagram: verify it against the reassembled original payload.
        int udpLen = 8 + payload.length;
        byte[] udp = ByteBuffer.allocate(udpLen).put(frame, 34, 8).put(payload).array();
        byte[] pseudo = ByteBuffer.allocate(12 + udpLen).putInt(PUBLIC.getInt()).putInt(REMOTE.getInt())
                .put((byte) 0).put((byte) 17).putShort((short) udpLen).put(udp).array();
        assertThat(Checksums.ones(pseudo, 0, pseudo.length)).isZero();
    }

    @Test
    void laterFragmentsWaitForTheirFirstAndExpire() {
        FragmentTranslator t = new FragmentTranslator();
        FragmentTranslator.Key key = new FragmentTranslator.Key(INSIDE, REMOTE, 17, 0x4242);
        t.hold(key, new byte[] {1}, 0);
        t.hold(key, new byte[] {2}, 0);
        assertThat(t.placement(key)).isNull();
        assertThat(t.place(key, s, true, 1)).hasSize(2);
        assertThat(t.placement(key).session()).isEqualTo(s);
        FragmentTranslator.Key other = new FragmentTranslator.Key(INSIDE, REMOTE, 17, 7);
        t.hold(other, new byte[] {3}, 0);
        assertThat(t.expire(3_000_000_000L)).as("held past 2 s are dropped").isEqualTo(1);
        assertThat(t.placement(key)).as("placements live 30 s").isNotNull();
        t.expire(31_000_000_000L);
        assertThat(t.placement(key)).isNull();
    }
}
