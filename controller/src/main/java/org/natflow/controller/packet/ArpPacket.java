package org.natflow.controller.packet;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * An Ethernet/IPv4 ARP packet.
 *
 * @param opcode    1 request, 2 reply
 * @param senderMac sender hardware address
 * @param senderIp  sender protocol address
 * @param targetMac target hardware address
 * @param targetIp  target protocol address
 */
public record ArpPacket(int opcode, MacAddress senderMac, IPv4Address senderIp, MacAddress targetMac,
                        IPv4Address targetIp) implements NetworkPayload {

    public static final int REQUEST = 1;
    public static final int REPLY = 2;
}
