package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.natflow.controller.packet.Checksums;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.IcmpMessage;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** ICMP translation against crafted packets: every checksum must verify after rewriting. */
class IcmpRewriterTest {

    private static final IPv4Address INSIDE = IPv4Address.of("10.0.0.11");
    private static final IPv4Address PUBLIC = IPv4Address.of("203.0.113.10");
    private static final IPv4Address REMOTE = IPv4Address.of("198.51.100.10");
    private static final IPv4Address ROUTER = IPv4Address.of("203.0.113.1");

    /** IPv4 header (20 bytes, valid checksum) for the given payload length. */
    private static byte[] ipHeader(IPv4Address src, IPv4Address dst, int protocol, int payload, int ttl) {
        byte[] h = ByteBuffer.allocate(20).put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload))
                .putShort((short) 7).putShort((short) 0).put((byte) ttl).put((byte) protocol).putShort((short) 0)
                .putInt(src.getInt()).putInt(dst.getInt()).array();
        IcmpRewriter.ipChecksum(h, 0);
        return h;
    }

    /** A UDP datagram with a correct checksum. */
    private static byte[] udpDatagram(IPv4Address src, int sport, IPv4Address dst, int dport, byte[] data) {
        byte[] udp = ByteBuffer.allocate(8 + data.length).putShort((short) sport).putShort((short) dport)
                .putShort((short) (8 + data.length)).putShort((short) 0).put(data).array();
        IcmpRewriter.putShort(udp, 6, udpChecksum(src, dst, udp));
        return ByteBuffer.allocate(20 + udp.length).put(ipHeader(src, dst, 17, udp.length, 64)).put(udp).array();
    }

    private static int udpChecksum(IPv4Address src, IPv4Address dst, byte[] udp) {
        byte[] pseudo = ByteBuffer.allocate(12 + udp.length).putInt(src.getInt()).putInt(dst.getInt())
                .put((byte) 0).put((byte) 17).putShort((short) udp.length).put(udp).array();
        return Checksums.ones(pseudo, 0, pseudo.length);
    }

    private static byte[] frame(byte[] ip) {
        return ByteBuffer.allocate(14 + ip.length).put(new byte[12]).putShort((short) 0x0800).put(ip).array();
    }

    private static byte[] icmpFrame(IPv4Address src, IPv4Address dst, int type, int code, byte[] body, int ttl) {
        byte[] icmp = ByteBuffer.allocate(8 + body.length).put((byte) type).put((byte) code).putShort((short) 0)
                .putInt(0).put(body).array();
        IcmpRewriter.icmpChecksum(icmp, 0, icmp.length);
        return frame(ByteBuffer.allocate(20 + icmp.length).put(ipHeader(src, dst, 1, icmp.length, ttl)).put(icmp)
                .array());
    }

    private static void assertChecksumsValid(byte[] f) {
        Ipv4Packet ip = PacketParser.parse(f).ipv4();
        assertThat(ip.checksumValid()).as("outer IPv4 checksum").isTrue();
        int icmp = ip.offset() + ip.headerLength();
        assertThat(Checksums.ones(f, icmp, f.length - icmp)).as("ICMP checksum").isZero();
    }

    @Test
    void echoIdentifierRewriteKeepsChecksumsValid() {
        byte[] echo = icmpFrame(INSIDE, REMOTE, 8, 0, new byte[] {1, 2, 3, 4, 5}, 64);
        IcmpRewriter.putShort(echo, 14 + 20 + 4, 77);
        IcmpRewriter.icmpChecksum(echo, 34, echo.length);
        byte[] out = Frames.withMacs(echo, MacAddress.of(2), MacAddress.of(3));
        IcmpRewriter.setEchoId(out, 34, out.length, 40001);
        IcmpRewriter.rewriteOuter(out, 14, PUBLIC, null);
        EthernetFrame f = PacketParser.parse(out);
        assertThat(f.src()).isEqualTo(MacAddress.of(2));
        assertThat(f.dst()).isEqualTo(MacAddress.of(3));
        assertThat(f.ipv4().src()).isEqualTo(PUBLIC);
        assertThat(f.ipv4().ttl()).isEqualTo(63);
        assertThat(((IcmpMessage) f.ipv4().transport()).identifier()).isEqualTo(40001);
        assertChecksumsValid(out);
    }

    @Test
    void inboundErrorGetsEmbeddedSourceAndUdpChecksumTranslated() {
        // What we sent out: 203.0.113.10:40000 -> 198.51.100.10:33434, whole datagram quoted.
        byte[] sent = udpDatagram(PUBLIC, 40000, REMOTE, 33434, new byte[] {9, 8, 7, 6, 5, 4, 3, 2});
        byte[] error = icmpFrame(ROUTER, PUBLIC, 11, 0, sent, 64);
        byte[] out = error.clone();
        assertThat(IcmpRewriter.rewriteEmbedded(out, 34, out.length, true, INSIDE, 5353)).isTrue();
        IcmpRewriter.rewriteOuter(out, 14, null, INSIDE);
        assertChecksumsValid(out);
        Ipv4Packet inner = (Ipv4Packet) PacketParser.parseIpv4(out, 14 + 20 + 8);
        assertThat(inner.checksumValid()).as("embedded IPv4 checksum").isTrue();
        assertThat(inner.src()).isEqualTo(INSIDE);
        assertThat(((UdpDatagram) inner.transport()).srcPort()).isEqualTo(5353);
        byte[] innerUdp = java.util.Arrays.copyOfRange(out, 14 + 20 + 8 + 20, out.length);
        assertThat(udpChecksum(INSIDE, REMOTE, innerUdp)).as("embedded UDP checksum, incrementally adjusted")
                .isZero();
        assertThat(PacketParser.parse(out).ipv4().dst()).isEqualTo(INSIDE);
    }

    @Test
    void outboundErrorGetsEmbeddedDestinationTranslated() {
        // What the inside host received: 198.51.100.10:53 -> 10.0.0.11:5353; it answers port unreachable.
        byte[] received = udpDatagram(REMOTE, 53, INSIDE, 5353, new byte[] {1});
        byte[] error = icmpFrame(INSIDE, REMOTE, 3, 3, received, 64);
        byte[] out = error.clone();
        assertThat(IcmpRewriter.rewriteEmbedded(out, 34, out.length, false, PUBLIC, 40000)).isTrue();
        IcmpRewriter.rewriteOuter(out, 14, PUBLIC, null);
        assertChecksumsValid(out);
        Ipv4Packet inner = (Ipv4Packet) PacketParser.parseIpv4(out, 42);
        assertThat(inner.dst()).isEqualTo(PUBLIC);
        assertThat(((UdpDatagram) inner.transport()).dstPort()).isEqualTo(40000);
        assertThat(udpChecksum(REMOTE, PUBLIC, java.util.Arrays.copyOfRange(out, 62, out.length))).isZero();
    }

    @Test
    void truncatedEmbeddedHeaderIsRefused() {
        byte[] error = icmpFrame(ROUTER, PUBLIC, 3, 1, new byte[12], 64);
        assertThat(IcmpRewriter.rewriteEmbedded(error.clone(), 34, error.length, true, INSIDE, 1)).isFalse();
    }

    @Test
    void timeExceededQuotesHeaderAndEightBytes() {
        byte[] probe = frame(udpDatagram(INSIDE, 40000, REMOTE, 33434, new byte[32]));
        byte[] te = IcmpRewriter.timeExceeded(probe, 14, IPv4Address.of("10.0.0.1"), MacAddress.of(1),
                MacAddress.of(2));
        assertChecksumsValid(te);
        Ipv4Packet ip = PacketParser.parse(te).ipv4();
        assertThat(ip.src()).isEqualTo(IPv4Address.of("10.0.0.1"));
        assertThat(ip.dst()).isEqualTo(INSIDE);
        IcmpMessage m = (IcmpMessage) ip.transport();
        assertThat(m.type()).isEqualTo(11);
        assertThat(te.length).isEqualTo(14 + 20 + 8 + 28);
        Ipv4Packet quoted = (Ipv4Packet) PacketParser.parseIpv4(te, m.bodyOffset());
        assertThat(quoted.dst()).isEqualTo(REMOTE);
    }
}
