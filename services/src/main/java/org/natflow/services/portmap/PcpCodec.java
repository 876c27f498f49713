package org.natflow.services.portmap;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * PCP's messages (RFC 6887): a request read from a datagram (every length checked before a field is read) into
 * either a {@link Request} or the result code its error answer carries; answers written by copying the request
 * (RFC 6887, section 7.2: error answers carry the request's fields back) and setting the server's fields.
 * Addresses are IPv4 only (natflow translates IPv4), carried as IPv4-mapped IPv6 addresses.
 */
final class PcpCodec {

    static final int VERSION = 2;
    static final int HEADER = 24;
    static final int MAX = 1100;
    static final int OP_ANNOUNCE = 0;
    static final int OP_MAP = 1;
    static final int OP_PEER = 2;
    static final int MAP_DATA = 36;
    static final int PEER_DATA = 56;

    static final int SUCCESS = 0;
    static final int UNSUPP_VERSION = 1;
    static final int NOT_AUTHORIZED = 2;
    static final int MALFORMED_REQUEST = 3;
    static final int UNSUPP_OPCODE = 4;
    static final int UNSUPP_OPTION = 5;
    static final int MALFORMED_OPTION = 6;
    static final int NETWORK_FAILURE = 7;
    static final int NO_RESOURCES = 8;
    static final int UNSUPP_PROTOCOL = 9;
    static final int USER_EX_QUOTA = 10;
    static final int CANNOT_PROVIDE_EXTERNAL = 11;
    static final int ADDRESS_MISMATCH = 12;
    static final int EXCESSIVE_REMOTE_PEERS = 13;

    static final int OPTION_THIRD_PARTY = 1;
    static final int OPTION_PREFER_FAILURE = 2;
    static final int OPTION_FILTER = 3;

    /** How long a client should expect a long lifetime error to last (RFC 6887, section 7.4: 30 minutes). */
    static final long LONG_ERROR_SECS = 1800;
    /** How long a client should expect a short lifetime error to last (30 seconds). */
    static final long SHORT_ERROR_SECS = 30;

    private static final byte[] V4_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

    /**
     * A request that parsed.
     *
     * @param raw              the datagram
     * @param opcode           ANNOUNCE, MAP or PEER
     * @param lifetimeSecs     the lifetime asked for
     * @param client           the PCP client's address the request names (null: not an IPv4 address)
     * @param nonce            the mapping nonce (MAP, PEER), 12 bytes
     * @param protocol         the IANA protocol number (0: all)
     * @param insidePort       the internal port
     * @param suggestedPort    the suggested external port
     * @param suggestedAddress the suggested external address ({@link IPv4Address#NONE}: any or not IPv4)
     * @param remotePort       the remote peer's port (PEER)
     * @param remote           the remote peer's address (PEER; null: not an IPv4 address)
     * @param thirdParty       the THIRD_PARTY option's address, if given (null: absent)
     * @param preferFailure    whether PREFER_FAILURE was given
     * @param filters          the FILTER options' prefixes, in order (a prefix length 0 clears: given as null)
     * @param options          the options processed, as they came (echoed in a success answer)
     */
    record Request(byte[] raw, int opcode, long lifetimeSecs, IPv4Address client, byte[] nonce, int protocol,
                   int insidePort, int suggestedPort, IPv4Address suggestedAddress, int remotePort,
                   IPv4Address remote, IPv4Address thirdParty, boolean preferFailure,
                   List<IPv4AddressWithMask> filters, byte[] options) {

        /** Whether FILTER options were given (possibly one that clears the filters). */
        boolean hasFilters() {
            return filters != null;
        }
    }

    /**
     * What a datagram parsed to: a request, or the result code of the error answer owed (with the lifetime
     * that error has).
     */
    record Parsed(Request request, int error) {
    }

    private PcpCodec() {
    }

    /**
     * Parses a datagram whose version byte is not NAT-PMP's. Null: nothing to answer (shorter than 2 bytes, or
     * an answer, its R bit set).
     */
    static Parsed parse(byte[] d) {
        if (d.length < 2 || (d[1] & 0x80) != 0) {
            return null;
        }
        if ((d[0] & 0xff) != VERSION) {
            return new Parsed(null, UNSUPP_VERSION);
        }
        if (d.length < HEADER || d.length > MAX || d.length % 4 != 0) {
            return new Parsed(null, MALFORMED_REQUEST);
        }
        int opcode = d[1] & 0x7f;
        int dataLength = switch (opcode) {
            case OP_ANNOUNCE -> 0;
            case OP_MAP -> MAP_DATA;
            case OP_PEER -> PEER_DATA;
            default -> -1;
        };
        if (dataLength < 0) {
            return new Parsed(null, UNSUPP_OPCODE);
        }
        if (d.length < HEADER + dataLength) {
            return new Parsed(null, MALFORMED_REQUEST);
        }
        ByteBuffer b = ByteBuffer.wrap(d);
        long lifetime = b.getInt(4) & 0xffffffffL;
        IPv4Address client = v4(d, 8);
        byte[] nonce = new byte[12];
        int protocol = 0;
        int insidePort = 0;
        int suggestedPort = 0;
        IPv4Address suggested = IPv4Address.NONE;
        int remotePort = 0;
        IPv4Address remote = null;
        if (opcode != OP_ANNOUNCE) {
            int o = HEADER;
            System.arraycopy(d, o, nonce, 0, 12);
            protocol = d[o + 12] & 0xff;
            insidePort = b.getShort(o + 16) & 0xffff;
            suggestedPort = b.getShort(o + 18) & 0xffff;
            IPv4Address s = v4(d, o + 20);
            suggested = s == null ? IPv4Address.NONE : s;
            if (opcode == OP_PEER) {
                remotePort = b.getShort(o + 36) & 0xffff;
                remote = v4(d, o + 40);
            }
        }
        int optionsAt = HEADER + dataLength;
        IPv4Address thirdParty = null;
        boolean preferFailure = false;
        List<IPv4AddressWithMask> filters = null;
        int at = optionsAt;
        while (at < d.length) {
            if (d.length - at < 4) {
                return new Parsed(null, MALFORMED_OPTION);
            }
            int code = d[at] & 0xff;
            int length = b.getShort(at + 2) & 0xffff;
            int padded = (length + 3) & ~3;
            if (at + 4 + padded > d.length) {
                return new Parsed(null, MALFORMED_OPTION);
            }
            int data = at + 4;
            switch (code) {
                case OPTION_THIRD_PARTY -> {
                    if (length != 16 || thirdParty != null) {
                        return new Parsed(null, MALFORMED_OPTION);
                    }
                    thirdParty = v4(d, data);
                    if (thirdParty == null) {
                        return new Parsed(null, MALFORMED_OPTION);
                    }
                }
                case OPTION_PREFER_FAILURE -> {
                    if (length != 0 || preferFailure || opcode != OP_MAP) {
                        return new Parsed(null, MALFORMED_OPTION);
                    }
                    preferFailure = true;
                }
                case OPTION_FILTER -> {
                    if (length != 20 || opcode != OP_MAP) {
                        return new Parsed(null, MALFORMED_OPTION);
                    }
                    int prefix = d[data + 1] & 0xff;
                    int port = b.getShort(data + 2) & 0xffff;
                    IPv4Address peer = v4(d, data + 4);
                    if (filters == null) {
                        filters = new ArrayList<>();
                    }
                    if (prefix == 0) {
                        filters.clear(); // "remove all filters"
                    } else if (peer == null || prefix < 96 || prefix > 128) {
                        return new Parsed(null, MALFORMED_OPTION);
                    } else if (port != 0) {
                        return new Parsed(null, UNSUPP_OPTION); // filters by address only
                    } else {
                        int length4 = prefix - 96;
                        filters.add(peer.and(IPv4Address.ofCidrMaskLength(length4)).withMaskOfLength(length4));
                    }
                }
                default -> {
                    if (code < 128) {
                        return new Parsed(null, UNSUPP_OPTION); // mandatory to process, unknown
                    }
                    // optional to process: ignored
                }
            }
            at = data + padded;
        }
        return new Parsed(new Request(d, opcode, lifetime, client, nonce, protocol, insidePort, suggestedPort,
                suggested, remotePort, remote, thirdParty, preferFailure, filters,
                Arrays.copyOfRange(d, optionsAt, d.length)), SUCCESS);
    }

    /** Whether a result code is a short lifetime error. */
    static boolean shortError(int result) {
        return result == NETWORK_FAILURE || result == NO_RESOURCES || result == USER_EX_QUOTA
                || result == CANNOT_PROVIDE_EXTERNAL;
    }

    /**
     * An error answer: the request copied back (at most 1 100 bytes, cut to a multiple of 4, at least a header),
     * with the answer's header.
     */
    static byte[] error(byte[] request, int result, long epochSecs) {
        int length = Math.max(HEADER, Math.min(MAX, request.length) & ~3);
        byte[] a = Arrays.copyOf(request, length);
        int opcode = request.length > 1 ? request[1] & 0x7f : 0;
        header(a, opcode, result, shortError(result) ? SHORT_ERROR_SECS : LONG_ERROR_SECS, epochSecs);
        return a;
    }

    /** The answer to an ANNOUNCE: success, lifetime 0, the epoch. */
    static byte[] announced(long epochSecs) {
        byte[] a = new byte[HEADER];
        header(a, OP_ANNOUNCE, SUCCESS, 0, epochSecs);
        return a;
    }

    /**
     * The answer to a MAP or PEER request: its opcode data with the external endpoint assigned, and the options
     * it gave (all processed).
     */
    static byte[] mapped(Request r, int result, long lifetimeSecs, long epochSecs, IPv4Address external,
                         int externalPort) {
        int dataLength = r.opcode() == OP_MAP ? MAP_DATA : PEER_DATA;
        byte[] a = new byte[HEADER + dataLength + r.options().length];
        System.arraycopy(r.raw(), HEADER, a, HEADER, dataLength);
        System.arraycopy(r.options(), 0, a, HEADER + dataLength, r.options().length);
        boolean ok = result == SUCCESS;
        header(a, r.opcode(), result, ok ? lifetimeSecs : shortError(result) ? SHORT_ERROR_SECS : LONG_ERROR_SECS,
                epochSecs);
        if (ok) {
            ByteBuffer.wrap(a).putShort(HEADER + 18, (short) externalPort);
            putV4(a, HEADER + 20, external);
        }
        return a;
    }

    private static void header(byte[] a, int opcode, int result, long lifetimeSecs, long epochSecs) {
        ByteBuffer b = ByteBuffer.wrap(a);
        b.put(0, (byte) VERSION).put(1, (byte) (0x80 | opcode)).put(2, (byte) 0).put(3, (byte) result)
                .putInt(4, (int) lifetimeSecs).putInt(8, (int) epochSecs);
        Arrays.fill(a, 12, HEADER, (byte) 0);
    }

    /** The IPv4 address in an IPv4-mapped IPv6 address (the all-zero address as {@link IPv4Address#NONE}). */
    static IPv4Address v4(byte[] d, int at) {
        boolean allZero = true;
        for (int i = 0; i < 16; i++) {
            allZero &= d[at + i] == 0;
        }
        if (allZero) {
            return IPv4Address.NONE;
        }
        if (!Arrays.equals(d, at, at + 12, V4_MAPPED, 0, 12)) {
            return null;
        }
        return IPv4Address.of(Arrays.copyOfRange(d, at + 12, at + 16));
    }

    /** Writes an IPv4 address as an IPv4-mapped IPv6 address. */
    static void putV4(byte[] a, int at, IPv4Address address) {
        System.arraycopy(V4_MAPPED, 0, a, at, 12);
        System.arraycopy(address.getBytes(), 0, a, at + 12, 4);
    }
}
