package org.natflow.apps.dhcp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * A DHCP message (RFC 2131 2): the BOOTP header and its options, by code in the order they came. Parsing is
 * bounded (at most 255 options, each at most 255 bytes, the message at most the UDP payload) and refuses what
 * a client cannot mean: a wrong magic cookie, a hardware type other than Ethernet, an option running past the end.
 *
 * @param op      1 request, 2 reply
 * @param xid     the transaction id
 * @param secs    seconds since the client began
 * @param flags   bit 15: the client wants broadcast replies
 * @param ciaddr  the client's address when it has one
 * @param yiaddr  "your" address (the one given)
 * @param siaddr  the next server
 * @param giaddr  the relay agent's address
 * @param chaddr  the client's hardware address
 * @param options options by code (pad and end left out)
 */
public record DhcpMessage(int op, long xid, int secs, int flags, IPv4Address ciaddr, IPv4Address yiaddr,
                          IPv4Address siaddr, IPv4Address giaddr, MacAddress chaddr, Map<Integer, byte[]> options) {

    public static final int BOOTREQUEST = 1;
    public static final int BOOTREPLY = 2;
    static final int MAGIC = 0x63825363;
    static final int HEADER = 236;
    public static final int BROADCAST_FLAG = 0x8000;

    public DhcpMessage {
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** Why bytes are not a DHCP message. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message, null, false, false);
        }
    }

    /** Parses {@code length} bytes from {@code offset}. */
    public static DhcpMessage parse(byte[] d, int offset, int length) throws FormatException {
        if (length < HEADER + 4 || offset + length > d.length) {
            throw new FormatException("too short for a DHCP message: " + length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(d, offset, length);
        int op = b.get() & 0xff;
        int htype = b.get() & 0xff;
        int hlen = b.get() & 0xff;
        b.get(); // hops
        if (op != BOOTREQUEST && op != BOOTREPLY) {
            throw new FormatException("op " + op);
        }
        if (htype != 1 || hlen != 6) {
            throw new FormatException("hardware type " + htype + " length " + hlen + " (only Ethernet)");
        }
        long xid = b.getInt() & 0xffffffffL;
        int secs = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        IPv4Address ci = IPv4Address.of(b.getInt());
        IPv4Address yi = IPv4Address.of(b.getInt());
        IPv4Address si = IPv4Address.of(b.getInt());
        IPv4Address gi = IPv4Address.of(b.getInt());
        byte[] mac = new byte[6];
        b.get(mac);
        b.position(b.position() + 10 + 64 + 128); // chaddr padding, sname, file
        if (b.getInt() != MAGIC) {
            throw new FormatException("not DHCP: no magic cookie");
        }
        Map<Integer, byte[]> options = new LinkedHashMap<>();
        while (b.hasRemaining()) {
            int code = b.get() & 0xff;
            if (code == DhcpOptions.PAD) {
                continue;
            }
            if (code == DhcpOptions.END) {
                break;
            }
            if (!b.hasRemaining()) {
                throw new FormatException("option " + code + " without a length");
            }
            int len = b.get() & 0xff;
            if (len > b.remaining()) {
                throw new FormatException("option " + code + " runs past the end");
            }
            byte[] value = new byte[len];
            b.get(value);
            // RFC 3396: a repeated option is one long option split in parts.
            options.merge(code, value, DhcpMessage::concat);
        }
        return new DhcpMessage(op, xid, secs, flags, ci, yi, si, gi, MacAddress.of(mac), options);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The message in wire form, padded to BOOTP's 300 bytes; long options are split (RFC 3396). */
    public byte[] bytes() {
        int size = HEADER + 4 + 1;
        for (byte[] v : options.values()) {
            size += v.length + 2 * Math.max(1, (v.length + 254) / 255);
        }
        ByteBuffer b = ByteBuffer.allocate(Math.max(300, size));
        b.put((byte) op).put((byte) 1).put((byte) 6).put((byte) 0).putInt((int) xid).putShort((short) secs)
                .putShort((short) flags).putInt(ciaddr.getInt()).putInt(yiaddr.getInt()).putInt(siaddr.getInt())
                .putInt(giaddr.getInt()).put(chaddr.getBytes());
        b.position(HEADER);
        b.putInt(MAGIC);
        for (Map.Entry<Integer, byte[]> e : options.entrySet()) {
            byte[] v = e.getValue();
            int at = 0;
            do {
                int n = Math.min(255, v.length - at);
                b.put(e.getKey().byteValue()).put((byte) n).put(v, at, n);
                at += n;
            } while (at < v.length);
        }
        b.put((byte) DhcpOptions.END);
        return b.array();
    }

    /** The message type (option 53), or 0 when there is none. */
    public int type() {
        byte[] t = options.get(DhcpOptions.MESSAGE_TYPE);
        return t == null || t.length != 1 ? 0 : t[0] & 0xff;
    }

    /** An option that is one IPv4 address, or null. */
    public IPv4Address address(int code) {
        byte[] v = options.get(code);
        return v == null || v.length != 4 ? null : IPv4Address.of(v);
    }

    /** An option as text (printable ASCII, at most 64 characters), or null. */
    public String text(int code) {
        byte[] v = options.get(code);
        if (v == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length && sb.length() < 64; i++) {
            int c = v[i] & 0xff;
            if (c == 0) {
                break;
            }
            sb.append(c >= 32 && c < 127 ? (char) c : '?');
        }
        return sb.toString();
    }

    /** The client identifier (option 61) in hex, or the hardware address's when there is none. */
    public String clientId() {
        byte[] v = options.get(DhcpOptions.CLIENT_ID);
        if (v == null || v.length == 0) {
            return "01" + chaddr.toString().replace(":", "");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length && i < 64; i++) {
            sb.append(String.format("%02x", v[i] & 0xff));
        }
        return sb.toString();
    }

    /** Whether replies must be broadcast (the client has no address yet and asked, or cannot take unicast). */
    public boolean wantsBroadcast() {
        return (flags & BROADCAST_FLAG) != 0;
    }

    /** ASCII bytes of a string option. */
    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
