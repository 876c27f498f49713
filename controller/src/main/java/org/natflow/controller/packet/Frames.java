package org.natflow.controller.packet;

import java.nio.ByteBuffer;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** Builds the frames the controller originates. */
public final class Frames {

    private Frames() {
    }

    /** An Ethernet/IPv4 ARP frame (42 bytes). */
    public static byte[] arp(int opcode, MacAddress ethDst, MacAddress senderMac, IPv4Address senderIp,
                             MacAddress targetMac, IPv4Address targetIp) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(ethDst.getBytes()).put(senderMac.getBytes()).putShort((short) EthernetFrame.TYPE_ARP);
        b.putShort((short) 1).putShort((short) EthernetFrame.TYPE_IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) opcode);
        b.put(senderMac.getBytes()).putInt(senderIp.getInt()).put(targetMac.getBytes()).putInt(targetIp.getInt());
        return b.array();
    }

    /** A broadcast ARP request for {@code targetIp}. */
    public static byte[] arpRequest(MacAddress senderMac, IPv4Address senderIp, IPv4Address targetIp) {
        return arp(ArpPacket.REQUEST, MacAddress.BROADCAST, senderMac, senderIp, MacAddress.NONE, targetIp);
    }

    /** The reply to an ARP request, claiming {@code mac} for the requested address. */
    public static byte[] arpReply(ArpPacket request, MacAddress mac) {
        return arp(ArpPacket.REPLY, request.senderMac(), mac, request.targetIp(), request.senderMac(),
                request.senderIp());
    }

    /** A copy of an Ethernet frame with new source and destination MACs. */
    public static byte[] withMacs(byte[] frame, MacAddress src, MacAddress dst) {
        byte[] out = frame.clone();
        System.arraycopy(dst.getBytes(), 0, out, 0, 6);
        System.arraycopy(src.getBytes(), 0, out, 6, 6);
        return out;
    }

    /**
     * The reset (RST+ACK, RFC 9293 3.10.7.1) answering a TCP SYN as if from the server it was sent to: addresses
     * and ports swapped, from {@code mac} (the gateway's) to the sender, acknowledging the SYN (60 bytes).
     */
    public static byte[] tcpReset(EthernetFrame syn, MacAddress mac) {
        Ipv4Packet ip = syn.ipv4();
        TcpSegment tcp = (TcpSegment) ip.transport();
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + 6);
        b.put(syn.src().getBytes()).put(mac.getBytes()).putShort((short) EthernetFrame.TYPE_IPV4);
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(ip.dst().getInt()).putInt(ip.src().getInt());
        int tcpStart = b.position();
        b.putShort((short) tcp.dstPort()).putShort((short) tcp.srcPort()).putInt(0)
                .putInt((int) (tcp.seq() + 1)).put((byte) 0x50).put((byte) (TcpSegment.RST | TcpSegment.ACK))
                .putShort((short) 0).putShort((short) 0).putShort((short) 0);
        byte[] out = b.array();
        int ipSum = Checksums.ones(out, ipStart, 20);
        out[ipStart + 10] = (byte) (ipSum >> 8);
        out[ipStart + 11] = (byte) ipSum;
        byte[] pseudo = new byte[12 + 20];
        System.arraycopy(out, ipStart + 12, pseudo, 0, 8);
        pseudo[9] = 6;
        pseudo[11] = 20;
        System.arraycopy(out, tcpStart, pseudo, 12, 20);
        int tcpSum = Checksums.ones(pseudo, 0, pseudo.length);
        out[tcpStart + 16] = (byte) (tcpSum >> 8);
        out[tcpStart + 17] = (byte) tcpSum;
        return out;
    }

    /** An Ethernet/IPv4/UDP frame carrying {@code payload}, both checksums computed (TTL 64). */
    public static byte[] udp(MacAddress src, MacAddress dst, IPv4Address srcIp, IPv4Address dstIp, int srcPort,
                             int dstPort, byte[] payload) {
        int udpLength = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + udpLength);
        b.put(dst.getBytes()).put(src.getBytes()).putShort((short) EthernetFrame.TYPE_IPV4);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLength)).putShort((short) 0).putShort((short) 0)
                .put((byte) 64).put((byte) 17).putShort((short) 0).putInt(srcIp.getInt()).putInt(dstIp.getInt());
        b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) udpLength).putShort((short) 0)
                .put(payload);
        byte[] out = b.array();
        int ipSum = Checksums.ones(out, 14, 20);
        out[24] = (byte) (ipSum >> 8);
        out[25] = (byte) ipSum;
        byte[] pseudo = new byte[12 + udpLength];
        System.arraycopy(out, 26, pseudo, 0, 8);
        pseudo[9] = 17;
        pseudo[10] = (byte) (udpLength >> 8);
        pseudo[11] = (byte) udpLength;
        System.arraycopy(out, 34, pseudo, 12, udpLength);
        int udpSum = Checksums.ones(pseudo, 0, pseudo.length);
        if (udpSum == 0) {
            udpSum = 0xffff; // RFC 768: a computed zero is sent as all ones
        }
        out[40] = (byte) (udpSum >> 8);
        out[41] = (byte) udpSum;
        return out;
    }
}
