package org.natflow.apps.nat;

import org.natflow.controller.packet.Checksums;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * Byte-level rewriting for the ICMP slow path (RFC 5508): echo identifiers, ICMP errors with their embedded
 * IP and transport headers, and time-exceeded messages from the gateway. Works on copies; checksums are
 * recomputed (IPv4 header, ICMP) or adjusted incrementally (embedded transport, RFC 1624).
 */
public final class IcmpRewriter {

    static final int ETH = 14;

    private IcmpRewriter() {
    }


    /** Sets the outer source or destination address and decrements the TTL; fixes the header checksum. */
    public static void rewriteOuter(byte[] f, int ip, IPv4Address src, IPv4Address dst) {
        if (src != null) {
            putInt(f, ip + 12, src.getInt());
        }
        if (dst != null) {
            putInt(f, ip + 16, dst.getInt());
        }
        f[ip + 8] = (byte) ((f[ip + 8] & 0xff) - 1);
        ipChecksum(f, ip);
    }

    /** Sets the echo identifier of the ICMP message at {@code icmp} and recomputes the ICMP checksum. */
    static void setEchoId(byte[] f, int icmp, int end, int id) {
        putShort(f, icmp + 4, id);
        icmpChecksum(f, icmp, end);
    }

    /**
     * Rewrites the datagram embedded in an ICMP error: its source (outbound direction of the original:
     * the error travels back to it) or destination endpoint. Adjusts the embedded IPv4 checksum, the
     * embedded UDP/TCP checksum when present, and the ICMP checksum.
     *
     * @param icmp       offset of the ICMP header
     * @param end        end of the ICMP message
     * @param rewriteSrc true to rewrite the embedded source endpoint, false for the destination
     * @return false if the embedded headers are too short to rewrite
     */
    static boolean rewriteEmbedded(byte[] f, int icmp, int end, boolean rewriteSrc, IPv4Address addr, int port) {
        int ip = icmp + 8;
        if (end < ip + 20) {
            return false;
        }
        int ihl = (f[ip] & 0x0f) * 4;
        int l4 = ip + ihl;
        int protocol = f[ip + 9] & 0xff;
        if (ihl < 20 || end < l4 + 8) {
            return false;
        }
        int addrOffset = ip + (rewriteSrc ? 12 : 16);
        int oldAddrHi = u16(f, addrOffset);
        int oldAddrLo = u16(f, addrOffset + 2);
        putInt(f, addrOffset, addr.getInt());
        ipChecksum(f, ip);
        int portOffset;
        int checksumOffset;
        if (protocol == 1) {
            portOffset = l4 + 4; // echo identifier; the embedded ICMP checksum is beyond what we rewrite
            checksumOffset = -1;
        } else {
            portOffset = l4 + (rewriteSrc ? 0 : 2);
            checksumOffset = protocol == 17 ? l4 + 6 : protocol == 6 && end >= l4 + 18 ? l4 + 16 : -1;
        }
        int oldPort = u16(f, portOffset);
        putShort(f, portOffset, port);
        if (checksumOffset >= 0 && !(protocol == 17 && u16(f, checksumOffset) == 0)) {
            int sum = u16(f, checksumOffset);
            sum = adjust(sum, oldAddrHi, addr.getInt() >>> 16);
            sum = adjust(sum, oldAddrLo, addr.getInt() & 0xffff);
            sum = adjust(sum, oldPort, port);
            putShort(f, checksumOffset, sum);
        }
        icmpChecksum(f, icmp, end);
        return true;
    }

    /**
     * Rewrites only the address of the embedded datagram's source or destination (1:1 NAT keeps ports), with
     * the checksums as {@link #rewriteEmbedded}.
     *
     * @return false if the embedded headers are too short to rewrite
     */
    public static boolean rewriteEmbeddedAddress(byte[] f, int icmp, int end, boolean rewriteSrc, IPv4Address addr) {
        int ip = icmp + 8;
        if (end < ip + 20) {
            return false;
        }
        int l4 = ip + (f[ip] & 0x0f) * 4;
        if (end < l4 + 8) {
            return false;
        }
        int portOffset = (f[ip + 9] & 0xff) == 1 ? l4 + 4 : l4 + (rewriteSrc ? 0 : 2);
        return rewriteEmbedded(f, icmp, end, rewriteSrc, addr, u16(f, portOffset));
    }

    /**
     * An ICMP time exceeded (type 11 code 0) from {@code gateway} back to the sender of {@code frame}, carrying
     * its IP header and first 8 payload bytes, sent with the given Ethernet addresses.
     */
    static byte[] timeExceeded(byte[] frame, int ip, IPv4Address gateway, MacAddress ethSrc, MacAddress ethDst) {
        int ihl = (frame[ip] & 0x0f) * 4;
        int quote = Math.min(ihl + 8, frame.length - ip);
        byte[] f = new byte[ETH + 20 + 8 + quote];
        System.arraycopy(ethDst.getBytes(), 0, f, 0, 6);
        System.arraycopy(ethSrc.getBytes(), 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        int o = ETH;
        f[o] = 0x45;
        putShort(f, o + 2, 20 + 8 + quote);
        f[o + 8] = 64;
        f[o + 9] = 1;
        putInt(f, o + 12, gateway.getInt());
        System.arraycopy(frame, ip + 12, f, o + 16, 4); // back to the original source
        ipChecksum(f, o);
        int icmp = o + 20;
        f[icmp] = 11;
        System.arraycopy(frame, ip, f, icmp + 8, quote);
        icmpChecksum(f, icmp, f.length);
        return f;
    }

    static void ipChecksum(byte[] f, int ip) {
        int ihl = (f[ip] & 0x0f) * 4;
        putShort(f, ip + 10, 0);
        putShort(f, ip + 10, Checksums.ones(f, ip, ihl));
    }

    static void icmpChecksum(byte[] f, int icmp, int end) {
        putShort(f, icmp + 2, 0);
        putShort(f, icmp + 2, Checksums.ones(f, icmp, end - icmp));
    }

    /** RFC 1624 incremental update: HC' = ~(~HC + ~m + m'). */
    static int adjust(int checksum, int oldWord, int newWord) {
        int sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return ~sum & 0xffff;
    }

    static int u16(byte[] f, int o) {
        return ((f[o] & 0xff) << 8) | (f[o + 1] & 0xff);
    }

    static void putShort(byte[] f, int o, int v) {
        f[o] = (byte) (v >>> 8);
        f[o + 1] = (byte) v;
    }

    static void putInt(byte[] f, int o, int v) {
        f[o] = (byte) (v >>> 24);
        f[o + 1] = (byte) (v >>> 16);
        f[o + 2] = (byte) (v >>> 8);
        f[o + 3] = (byte) v;
    }
}
