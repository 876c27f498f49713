package org.natflow.services.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.socksx.v5.Socks5AddressDecoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressEncoder;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import org.natflow.apps.ports.Endpoint;

/**
 * The header of a SOCKS5 UDP datagram (RFC 1928 section 7): RSV (2), FRAG (1), ATYP, DST.ADDR, DST.PORT. The
 * addresses are read and written by Netty's SOCKS5 address codec; the three bytes before them by hand, there
 * being no codec for the datagram.
 *
 * @param type the address type
 * @param host the address as written (a dotted quad or a name)
 * @param port the port
 */
record SocksUdpHeader(Socks5AddressType type, String host, int port) {

    /**
     * Reads the header, leaving {@code in} at the data; null if the datagram is malformed or a fragment (FRAG
     * not zero: fragments are not reassembled, and RFC 1928 lets a relay that does not reassemble drop them).
     */
    static SocksUdpHeader read(ByteBuf in) {
        if (in.readableBytes() < 4 || in.readShort() != 0 || in.readByte() != 0) {
            return null;
        }
        Socks5AddressType type = Socks5AddressType.valueOf(in.readByte());
        if (!type.equals(Socks5AddressType.IPv4) && !type.equals(Socks5AddressType.DOMAIN)
                && !type.equals(Socks5AddressType.IPv6)) {
            return null;
        }
        try {
            String host = Socks5AddressDecoder.DEFAULT.decodeAddress(type, in);
            if (in.readableBytes() < 2) {
                return null;
            }
            return new SocksUdpHeader(type, host, in.readUnsignedShort());
        } catch (Exception e) {
            return null; // the address ran past the datagram
        }
    }

    /** Writes the header of a datagram from {@code source} to the client. */
    static void write(ByteBuf out, Endpoint source) {
        out.writeShort(0).writeByte(0).writeByte(Socks5AddressType.IPv4.byteValue());
        try {
            Socks5AddressEncoder.DEFAULT.encodeAddress(Socks5AddressType.IPv4, source.address().toString(), out);
        } catch (Exception e) {
            throw new IllegalStateException("a dotted quad is an IPv4 address", e);
        }
        out.writeShort(source.port());
    }
}
