package org.natflow.services.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A STUN message (RFC 8489): method, class, transaction id and attributes. Decoding checks the framing (zero
 * top bits, magic cookie, length, attribute bounds, FINGERPRINT when present) and keeps the raw bytes so
 * MESSAGE-INTEGRITY can be verified. Encoding appends MESSAGE-INTEGRITY and FINGERPRINT on request.
 */
public final class StunMessage {

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER = 20;

    public static final int BINDING = 0x001;
    public static final int ALLOCATE = 0x003;
    public static final int REFRESH = 0x004;
    public static final int SEND = 0x006;
    public static final int DATA = 0x007;
    public static final int CREATE_PERMISSION = 0x008;
    public static final int CHANNEL_BIND = 0x009;

    public static final int REQUEST = 0;
    public static final int INDICATION = 1;
    public static final int SUCCESS = 2;
    public static final int ERROR = 3;

    private static final int FINGERPRINT_XOR = 0x5354554e;

    private final int method;
    private final int messageClass;
    private final byte[] transactionId;
    private final List<StunAttribute> attributes;
    private final byte[] raw;
    private final int integrityOffset;

    private StunMessage(int method, int messageClass, byte[] transactionId, List<StunAttribute> attributes,
                        byte[] raw, int integrityOffset) {
        this.method = method;
        this.messageClass = messageClass;
        this.transactionId = transactionId.clone();
        this.attributes = List.copyOf(attributes);
        this.raw = raw;
        this.integrityOffset = integrityOffset;
    }

    /** A message to send. */
    public static StunMessage of(int method, int messageClass, byte[] transactionId, List<StunAttribute> attributes) {
        if (transactionId.length != 12) {
            throw new IllegalArgumentException("a transaction id has 12 bytes");
        }
        return new StunMessage(method, messageClass, transactionId, attributes, null, -1);
    }

    public int method() {
        return method;
    }

    public int messageClass() {
        return messageClass;
    }

    public byte[] transactionId() {
        return transactionId.clone();
    }

    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** The first attribute of a type. */
    public Optional<StunAttribute> attribute(int type) {
        return attributes.stream().filter(a -> a.type() == type).findFirst();
    }

    /** Every attribute of a type, in order. */
    public List<StunAttribute> all(int type) {
        return attributes.stream().filter(a -> a.type() == type).toList();
    }

    /** A UTF-8 attribute (USERNAME, REALM, NONCE, SOFTWARE). */
    public Optional<String> text(int type) {
        return attribute(type).map(a -> new String(a.value(), StandardCharsets.UTF_8));
    }

    /** Whether the message carried FINGERPRINT. */
    public boolean hasFingerprint() {
        return attribute(StunAttribute.FINGERPRINT).isPresent();
    }

    static int type(int method, int cls) {
        return (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) | ((cls & 1) << 4)
                | ((cls & 2) << 7);
    }

    /** Whether a datagram starts like a STUN message (top two bits zero); ChannelData starts with 01. */
    public static boolean looksLikeStun(byte[] data) {
        return data.length >= HEADER && (data[0] & 0xC0) == 0
                && ByteBuffer.wrap(data, 4, 4).getInt() == MAGIC_COOKIE;
    }

    /** Parses a datagram. */
    public static StunMessage decode(byte[] data) throws StunException {
        if (data.length < HEADER) {
            throw new StunException("shorter than a STUN header: " + data.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        int type = b.getShort() & 0xffff;
        int length = b.getShort() & 0xffff;
        if ((type & 0xC000) != 0) {
            throw new StunException("top bits of the type are not zero");
        }
        if (b.getInt() != MAGIC_COOKIE) {
            throw new StunException("no magic cookie");
        }
        if (length % 4 != 0 || HEADER + length != data.length) {
            throw new StunException("length " + length + " does not match the datagram (" + data.length + " bytes)");
        }
        byte[] tid = new byte[12];
        b.get(tid);
        int method = (type & 0x000F) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0F80);
        int cls = ((type >> 4) & 1) | ((type >> 7) & 2);
        List<StunAttribute> attrs = new ArrayList<>();
        int integrity = -1;
        while (b.remaining() > 0) {
            if (b.remaining() < 4) {
                throw new StunException("truncated attribute header");
            }
            int at = b.position();
            int atype = b.getShort() & 0xffff;
            int alen = b.getShort() & 0xffff;
            int padded = (alen + 3) & ~3;
            if (padded > b.remaining()) {
                throw new StunException(String.format("attribute 0x%04x overruns the message", atype));
            }
            byte[] v = new byte[alen];
            b.get(v);
            b.position(b.position() + padded - alen);
            if (atype == StunAttribute.FINGERPRINT) {
                if (alen != 4 || b.remaining() != 0) {
                    throw new StunException("FINGERPRINT must be last and 4 bytes");
                }
                if (ByteBuffer.wrap(v).getInt() != fingerprint(data, at)) {
                    throw new StunException("FINGERPRINT does not match");
                }
            }
            if (atype == StunAttribute.MESSAGE_INTEGRITY && integrity < 0) {
                if (alen != 20) {
                    throw new StunException("MESSAGE-INTEGRITY must be 20 bytes");
                }
                integrity = at;
            }
            // Attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored (RFC 8489, 14.5).
            if (integrity < 0 || atype == StunAttribute.FINGERPRINT || at == integrity) {
                attrs.add(new StunAttribute(atype, v));
            }
        }
        return new StunMessage(method, cls, tid, attrs, data.clone(), integrity);
    }

    private static int fingerprint(byte[] data, int upTo) {
        byte[] copy = Arrays.copyOf(data, upTo);
        ByteBuffer.wrap(copy).putShort(2, (short) (upTo + 8 - HEADER));
        CRC32 crc = new CRC32();
        crc.update(copy);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    private static byte[] hmac(byte[] key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The long-term credential key: MD5(username ":" realm ":" password). */
    public static byte[] longTermKey(String username, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a received message carries MESSAGE-INTEGRITY that verifies with this key. */
    public boolean integrityValid(byte[] key) {
        if (raw == null || integrityOffset < 0) {
            return false;
        }
        byte[] copy = Arrays.copyOf(raw, integrityOffset);
        ByteBuffer.wrap(copy).putShort(2, (short) (integrityOffset + 24 - HEADER));
        byte[] expected = hmac(key, copy, copy.length);
        byte[] got = Arrays.copyOfRange(raw, integrityOffset + 4, integrityOffset + 24);
        return MessageDigest.isEqual(expected, got);
    }

    /** Encodes the message, with MESSAGE-INTEGRITY when {@code key} is given and FINGERPRINT when asked. */
    public byte[] encode(byte[] key, boolean fingerprint) {
        int size = HEADER;
        for (StunAttribute a : attributes) {
            size += 4 + ((a.value().length + 3) & ~3);
        }
        int total = size + (key != null ? 24 : 0) + (fingerprint ? 8 : 0);
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putShort((short) type(method, messageClass)).putShort((short) 0).putInt(MAGIC_COOKIE).put(transactionId);
        for (StunAttribute a : attributes) {
            byte[] v = a.value();
            b.putShort((short) a.type()).putShort((short) v.length).put(v);
            b.position(b.position() + ((v.length + 3) & ~3) - v.length);
        }
        byte[] out = b.array();
        if (key != null) {
            int at = b.position();
            b.putShort(2, (short) (at + 24 - HEADER));
            byte[] mac = hmac(key, out, at);
            b.putShort((short) StunAttribute.MESSAGE_INTEGRITY).putShort((short) 20).put(mac);
        }
        if (fingerprint) {
            int at = b.position();
            b.putShort(2, (short) (at + 8 - HEADER));
            int crc = fingerprint(out, at);
            b.putShort((short) StunAttribute.FINGERPRINT).putShort((short) 4).putInt(crc);
        }
        b.putShort(2, (short) (total - HEADER));
        return out;
    }

    // ---- attribute values -------------------------------------------------------------------------------------

    /** An XOR-*-ADDRESS value for an IPv4 endpoint. */
    public static byte[] xorAddress(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(8);
        b.put((byte) 0).put((byte) 1).putShort((short) (a.getPort() ^ (MAGIC_COOKIE >>> 16)));
        int addr = ByteBuffer.wrap(ip).getInt() ^ MAGIC_COOKIE;
        b.putInt(addr);
        return b.array();
    }

    /** Reads an XOR-*-ADDRESS value (IPv4 only). */
    public static InetSocketAddress xorAddress(byte[] v) throws StunException {
        if (v.length != 8 || v[1] != 1) {
            throw new StunException(v.length >= 2 && v[1] == 2 ? "IPv6 peer addresses are not supported"
                    : "malformed XOR address");
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        b.getShort();
        int port = (b.getShort() & 0xffff) ^ (MAGIC_COOKIE >>> 16);
        int addr = b.getInt() ^ MAGIC_COOKIE;
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(addr).array()), port);
        } catch (UnknownHostException e) {
            throw new StunException("bad address");
        }
    }

    /** An ERROR-CODE value. */
    public static byte[] errorCode(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + text.length);
        b.putShort((short) 0).put((byte) (code / 100)).put((byte) (code % 100)).put(text);
        return b.array();
    }

    /** The code of an ERROR-CODE value. */
    public static int errorCode(byte[] v) {
        return (v[2] & 0x7) * 100 + (v[3] & 0xff);
    }

    /** A 32-bit attribute value. */
    public static byte[] u32(long v) {
        return ByteBuffer.allocate(4).putInt((int) v).array();
    }

    /** Reads a 32-bit attribute value. */
    public static long u32(byte[] v) throws StunException {
        if (v.length != 4) {
            throw new StunException("a 32-bit attribute has 4 bytes");
        }
        return ByteBuffer.wrap(v).getInt() & 0xffffffffL;
    }

    @Override
    public String toString() {
        return String.format("stun(method=0x%03x, class=%d, %d attributes)", method, messageClass, attributes.size());
    }
}
