package org.natflow.controller.packet;

/** What an Ethernet frame carries. */
public sealed interface NetworkPayload permits ArpPacket, Ipv4Packet, Malformed, OtherPayload {
}
