package org.natflow.controller.packet;

import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Parses Ethernet frames. Stateless and allocation-light; never throws on bad input: a frame too short for
 * an Ethernet header yields null, a broken inner header yields {@link Malformed} at that layer.
 */
public final class PacketParser {

    private static final int ETH_HEADER = 14;

    private PacketParser() {
    }

    /**
     * Parses a frame.
     *
     * @return the frame, or null if the data is too short to be Ethernet
     */
    public static EthernetFrame parse(byte[] data) {
        if (data == null || data.length < ETH_HEADER) {
            return null;
        }
        MacAddress dst = MacAddress.of(java.util.Arrays.copyOfRange(data, 0, 6));
        MacAddress src = MacAddress.of(java.util.Arrays.copyOfRange(data, 6, 12));
        int etherType = u16(data, 12);
        int offset = ETH_HEADER;
        int vlan = -1;
        if (etherType == EthernetFrame.TYPE_VLAN) {
            if (data.length < offset + 4) {
                return new EthernetFrame(data, dst, src, -1, etherType, new Malformed("vlan", "truncated tag"));
            }
            vlan = u16(data, offset) & 0x0fff;
            etherType = u16(data, offset + 2);
            offset += 4;
        }
        NetworkPayload payload = switch (etherType) {
            case EthernetFrame.TYPE_ARP -> parseArp(data, offset);
            case EthernetFrame.TYPE_IPV4 -> parseIpv4(data, offset);
            default -> new OtherPayload(offset, data.length - offset);
        };
        return new EthernetFrame(data, dst, src, vlan, etherType, payload);
    }

    /** The EtherType of a frame without parsing the rest (looks through one VLAN tag); -1 if too short. */
    public static int etherType(byte[] data) {
        if (data == null || data.length < ETH_HEADER) {
            return -1;
        }
        int type = u16(data, 12);
        if (type == EthernetFrame.TYPE_VLAN && data.length >= ETH_HEADER + 4) {
            type = u16(data, 16);
        }
        return type;
    }

    static NetworkPayload parseArp(byte[] d, int o) {
        if (d.length < o + 28) {
            return new Malformed("arp", "truncated: " + (d.length - o) + " bytes");
        }
        if (u16(d, o) != 1 || u16(d, o + 2) != 0x0800 || (d[o + 4] & 0xff) != 6 || (d[o + 5] & 0xff) != 4) {
            return new Malformed("arp", "not Ethernet/IPv4 ARP");
        }
        return new ArpPacket(u16(d, o + 6),
                MacAddress.of(java.util.Arrays.copyOfRange(d, o + 8, o + 14)), IPv4Address.of(s32(d, o + 14)),
                MacAddress.of(java.util.Arrays.copyOfRange(d, o + 18, o + 24)), IPv4Address.of(s32(d, o + 24)));
    }

    /** Parses an IPv4 header at {@code o}; also used for headers embedded in ICMP errors. */
    public static NetworkPayload parseIpv4(byte[] d, int o) {
        if (d.length < o + 20) {
            return new Malformed("ipv4", "truncated header");
        }
        int vihl = d[o] & 0xff;
        if ((vihl >> 4) != 4) {
            return new Malformed("ipv4", "version " + (vihl >> 4));
        }
        int ihl = (vihl & 0x0f) * 4;
        if (ihl < 20) {
            return new Malformed("ipv4", "IHL " + ihl / 4);
        }
        if (d.length < o + ihl) {
            return new Malformed("ipv4", "truncated options");
        }
        int totalLength = u16(d, o + 2);
        if (totalLength < ihl) {
            return new Malformed("ipv4", "total length " + totalLength + " < header " + ihl);
        }
        int flagsFrag = u16(d, o + 6);
        boolean df = (flagsFrag & 0x4000) != 0;
        boolean mf = (flagsFrag & 0x2000) != 0;
        int fragOffset = (flagsFrag & 0x1fff) * 8;
        int protocol = d[o + 9] & 0xff;
        boolean checksumOk = Checksums.ones(d, o, ihl) == 0;
        // The datagram may be cut by miss_send_len or be an ICMP-embedded excerpt: parse what is there.
        int end = Math.min(d.length, o + totalLength);
        int t = o + ihl;
        TransportPayload transport;
        if (fragOffset != 0) {
            transport = new OtherPayload(t, end - t);
        } else {
            transport = switch (protocol) {
                case Ipv4Packet.PROTO_TCP -> parseTcp(d, t, end);
                case Ipv4Packet.PROTO_UDP -> parseUdp(d, t, end);
                case Ipv4Packet.PROTO_ICMP -> parseIcmp(d, t, end);
                default -> new OtherPayload(t, end - t);
            };
        }
        return new Ipv4Packet(o, ihl, totalLength, u16(d, o + 4), df, mf, fragOffset, d[o + 8] & 0xff, protocol,
                checksumOk, IPv4Address.of(s32(d, o + 12)), IPv4Address.of(s32(d, o + 16)), transport);
    }

    private static TransportPayload parseTcp(byte[] d, int o, int end) {
        // Ports and sequence are enough to translate an ICMP-embedded excerpt (8 bytes by RFC 792).
        if (end < o + 8) {
            return new Malformed("tcp", "truncated header");
        }
        if (end < o + 20) {
            return new TcpSegment(u16(d, o), u16(d, o + 2), u32(d, o + 4), 0, 0, 0);
        }
        int dataOffset = ((d[o + 12] & 0xff) >> 4) * 4;
        if (dataOffset < 20) {
            return new Malformed("tcp", "data offset " + dataOffset / 4);
        }
        return new TcpSegment(u16(d, o), u16(d, o + 2), u32(d, o + 4), u32(d, o + 8), d[o + 13] & 0x3f,
                u16(d, o + 14));
    }

    private static TransportPayload parseUdp(byte[] d, int o, int end) {
        if (end < o + 8) {
            return new Malformed("udp", "truncated header");
        }
        int length = u16(d, o + 4);
        if (length < 8) {
            return new Malformed("udp", "length " + length);
        }
        return new UdpDatagram(u16(d, o), u16(d, o + 2), length);
    }

    private static TransportPayload parseIcmp(byte[] d, int o, int end) {
        if (end < o + 8) {
            return new Malformed("icmp", "truncated header");
        }
        return new IcmpMessage(d[o] & 0xff, d[o + 1] & 0xff, u16(d, o + 4), u16(d, o + 6), o + 8);
    }

    static int u16(byte[] d, int o) {
        return ((d[o] & 0xff) << 8) | (d[o + 1] & 0xff);
    }

    static int s32(byte[] d, int o) {
        return ((d[o] & 0xff) << 24) | ((d[o + 1] & 0xff) << 16) | ((d[o + 2] & 0xff) << 8) | (d[o + 3] & 0xff);
    }

    static long u32(byte[] d, int o) {
        return s32(d, o) & 0xffffffffL;
    }
}
