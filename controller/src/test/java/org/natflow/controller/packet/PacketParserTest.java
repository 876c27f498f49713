package org.natflow.controller.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

public class PacketParserTest {

    static final byte[] MAC_A = {2, 0, 0, 0, 0, 1};
    static final byte[] MAC_B = {2, 0, 0, 0, 0, 2};

    /** An ARP request from 10.0.0.2 for 10.0.0.1. */
    public static byte[] arpRequest() {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(MAC_A).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(MAC_A).put(new byte[] {10, 0, 0, 2}).put(new byte[6]).put(new byte[] {10, 0, 0, 1});
        return b.array();
    }

    /** Ethernet + IPv4 (valid checksum) + transport bytes. */
    static byte[] ipv4(int protocol, int flagsFrag, byte[] transport) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + transport.length);
        b.put(MAC_B).put(MAC_A).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + transport.length)).putShort((short) 0x1234)
                .putShort((short) flagsFrag).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(new byte[] {10, 0, 0, 2}).put(new byte[] {(byte) 203, 0, 113, 5});
        b.put(transport);
        byte[] a = b.array();
        int sum = Checksums.ones(a, ip, 20);
        a[ip + 10] = (byte) (sum >> 8);
        a[ip + 11] = (byte) sum;
        return a;
    }

    static byte[] tcpSyn() {
        ByteBuffer t = ByteBuffer.allocate(20);
        t.putShort((short) 40000).putShort((short) 80).putInt(1000).putInt(0).put((byte) 0x50).put((byte) 0x02)
                .putShort((short) 64240).putInt(0);
        return t.array();
    }

    @Test
    void parsesArp() {
        EthernetFrame f = PacketParser.parse(arpRequest());
        assertThat(f.etherType()).isEqualTo(EthernetFrame.TYPE_ARP);
        assertThat(f.dst()).isEqualTo(MacAddress.BROADCAST);
        ArpPacket arp = f.arp();
        assertThat(arp.opcode()).isEqualTo(ArpPacket.REQUEST);
        assertThat(arp.senderIp()).isEqualTo(IPv4Address.of("10.0.0.2"));
        assertThat(arp.targetIp()).isEqualTo(IPv4Address.of("10.0.0.1"));
        assertThat(arp.senderMac()).isEqualTo(MacAddress.of(MAC_A));
    }

    @Test
    void parsesTcpSyn() {
        EthernetFrame f = PacketParser.parse(ipv4(6, 0x4000, tcpSyn()));
        Ipv4Packet ip = f.ipv4();
        assertThat(ip.checksumValid()).isTrue();
        assertThat(ip.dontFragment()).isTrue();
        assertThat(ip.isFragment()).isFalse();
        assertThat(ip.ttl()).isEqualTo(64);
        assertThat(ip.src()).isEqualTo(IPv4Address.of("10.0.0.2"));
        assertThat(ip.dst()).isEqualTo(IPv4Address.of("203.0.113.5"));
        TcpSegment tcp = (TcpSegment) ip.transport();
        assertThat(tcp.srcPort()).isEqualTo(40000);
        assertThat(tcp.dstPort()).isEqualTo(80);
        assertThat(tcp.has(TcpSegment.SYN)).isTrue();
        assertThat(tcp.has(TcpSegment.ACK)).isFalse();
    }

    @Test
    void parsesUdpAndIcmpEcho() {
        byte[] udp = ByteBuffer.allocate(12).putShort((short) 5353).putShort((short) 53).putShort((short) 12)
                .putShort((short) 0).putInt(0xdeadbeef).array();
        UdpDatagram u = (UdpDatagram) PacketParser.parse(ipv4(17, 0, udp)).ipv4().transport();
        assertThat(u.srcPort()).isEqualTo(5353);
        assertThat(u.dstPort()).isEqualTo(53);
        byte[] icmp = ByteBuffer.allocate(8).put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 77)
                .putShort((short) 3).array();
        IcmpMessage m = (IcmpMessage) PacketParser.parse(ipv4(1, 0, icmp)).ipv4().transport();
        assertThat(m.isEcho()).isTrue();
        assertThat(m.identifier()).isEqualTo(77);
        assertThat(m.sequence()).isEqualTo(3);
    }

    @Test
    void parsesVlanTag() {
        byte[] plain = arpRequest();
        byte[] tagged = new byte[plain.length + 4];
        System.arraycopy(plain, 0, tagged, 0, 12);
        tagged[12] = (byte) 0x81;
        tagged[13] = 0;
        tagged[14] = 0x20;
        tagged[15] = 0x0a;
        System.arraycopy(plain, 12, tagged, 16, plain.length - 12);
        EthernetFrame f = PacketParser.parse(tagged);
        assertThat(f.vlan()).isEqualTo(10);
        assertThat(f.etherType()).isEqualTo(EthernetFrame.TYPE_ARP);
        assertThat(f.arp()).isNotNull();
        assertThat(PacketParser.etherType(tagged)).isEqualTo(EthernetFrame.TYPE_ARP);
    }

    @Test
    void nonFirstFragmentHasNoTransportHeader() {
        EthernetFrame f = PacketParser.parse(ipv4(17, 0x2000 | 185, new byte[16]));
        assertThat(f.ipv4().isFragment()).isTrue();
        assertThat(f.ipv4().fragmentOffset()).isEqualTo(1480);
        assertThat(f.ipv4().transport()).isInstanceOf(OtherPayload.class);
    }

    @Test
    void badInputNeverThrows() {
        assertThat(PacketParser.parse(new byte[5])).isNull();
        assertThat(PacketParser.parse(null)).isNull();
        byte[] syn = ipv4(6, 0, tcpSyn());
        assertThat(PacketParser.parse(Arrays.copyOf(syn, 20)).payload()).isInstanceOf(Malformed.class);
        byte[] badIhl = syn.clone();
        badIhl[14] = 0x43;
        assertThat(PacketParser.parse(badIhl).payload()).isEqualTo(new Malformed("ipv4", "IHL 3"));
        byte[] badSum = syn.clone();
        badSum[24] ^= 0x55;
        assertThat(PacketParser.parse(badSum).ipv4().checksumValid()).isFalse();
        byte[] truncatedTcp = Arrays.copyOf(syn, 14 + 20 + 4);
        assertThat(PacketParser.parse(truncatedTcp).ipv4().transport()).isInstanceOf(Malformed.class);
        byte[] shortArp = Arrays.copyOf(arpRequest(), 30);
        assertThat(PacketParser.parse(shortArp).payload()).isInstanceOf(Malformed.class);
        // Every prefix of a valid frame parses without throwing.
        for (int n = 0; n <= syn.length; n++) {
            PacketParser.parse(Arrays.copyOf(syn, n));
        }
    }
}
