package org.natflow.controller.packet;

import org.projectfloodlight.openflow.types.MacAddress;

/**
 * An Ethernet frame.
 *
 * @param bytes     the whole frame as received (not copied; do not modify)
 * @param dst       destination MAC
 * @param src       source MAC
 * @param vlan      802.1Q VLAN id, or -1 when untagged
 * @param etherType EtherType of the payload (after any VLAN tag)
 * @param payload   the parsed network-layer payload
 */
public record EthernetFrame(byte[] bytes, MacAddress dst, MacAddress src, int vlan, int etherType,
                            NetworkPayload payload) {

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_VLAN = 0x8100;
    public static final int TYPE_LLDP = 0x88cc;
    public static final int TYPE_IPV6 = 0x86dd;

    /** The IPv4 payload, or null if this is not a well-formed IPv4 packet. */
    public Ipv4Packet ipv4() {
        return payload instanceof Ipv4Packet ip ? ip : null;
    }

    /** The ARP payload, or null if this is not a well-formed ARP packet. */
    public ArpPacket arp() {
        return payload instanceof ArpPacket arp ? arp : null;
    }

    @Override
    public String toString() {
        return "Ethernet[" + src + " > " + dst + (vlan >= 0 ? " vlan " + vlan : "")
                + String.format(" type 0x%04x ", etherType) + payload + "]";
    }
}
