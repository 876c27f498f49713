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
}
