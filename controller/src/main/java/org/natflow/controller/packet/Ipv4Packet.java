package org.natflow.controller.packet;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * An IPv4 header and its parsed payload.
 *
 * @param offset         where the IPv4 header starts in the frame
 * @param headerLength   header length in bytes (IHL * 4)
 * @param totalLength    total length from the header
 * @param identification fragment identification
 * @param dontFragment   DF flag
 * @param moreFragments  MF flag
 * @param fragmentOffset fragment offset in bytes
 * @param ttl            time to live
 * @param protocol       IP protocol number
 * @param checksumValid  whether the header checksum verifies
 * @param src            source address
 * @param dst            destination address
 * @param transport      parsed transport payload; {@link OtherPayload} for non-first fragments
 */
public record Ipv4Packet(int offset, int headerLength, int totalLength, int identification, boolean dontFragment,
                         boolean moreFragments, int fragmentOffset, int ttl, int protocol, boolean checksumValid,
                         IPv4Address src, IPv4Address dst, TransportPayload transport) implements NetworkPayload {

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;

    /** True for any fragment of a fragmented datagram (first included). */
    public boolean isFragment() {
        return moreFragments || fragmentOffset != 0;
    }
}
