package org.natflow.services.portmap;

import java.nio.ByteBuffer;
import org.natflow.apps.portmap.MappingOutcome;
import org.natflow.apps.portmap.MappingResult;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * NAT-PMP's messages (RFC 6886): requests read from a datagram, answers written. Every request is checked for
 * its length before a field is read; what cannot be a request yields null (dropped unanswered).
 */
final class NatPmpCodec {

    static final int VERSION = 0;
    static final int OP_ADDRESS = 0;
    static final int OP_MAP_UDP = 1;
    static final int OP_MAP_TCP = 2;
    static final int SUCCESS = 0;
    static final int UNSUPPORTED_VERSION = 1;
    static final int NOT_AUTHORIZED = 2;
    static final int NETWORK_FAILURE = 3;
    static final int OUT_OF_RESOURCES = 4;
    static final int UNSUPPORTED_OPCODE = 5;
    /** Longer datagrams are no NAT-PMP request (the longest is 12 bytes; PCP's are at most 1100). */
    static final int MAX_REQUEST = 1100;

    /**
     * A request.
     *
     * @param version      its version byte
     * @param op           its opcode
     * @param insidePort   for a mapping request
     * @param suggested    the public port suggested
     * @param lifetimeSecs the lifetime asked for
     */
    record Request(int version, int op, int insidePort, int suggested, long lifetimeSecs) {

        boolean isMap() {
            return op == OP_MAP_UDP || op == OP_MAP_TCP;
        }
    }

    private NatPmpCodec() {
    }

    /** The request in a datagram, or null when it is too short or too long to be one. */
    static Request parse(byte[] d) {
        if (d.length < 2 || d.length > MAX_REQUEST) {
            return null;
        }
        int version = d[0] & 0xff;
        int op = d[1] & 0xff;
        if (op >= 128) {
            return null; // an answer
        }
        if (version != VERSION || op == OP_ADDRESS) {
            return new Request(version, op, 0, 0, 0);
        }
        if (op == OP_MAP_UDP || op == OP_MAP_TCP) {
            if (d.length < 12) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(d);
            return new Request(version, op, b.getShort(4) & 0xffff, b.getShort(6) & 0xffff, b.getInt(8) & 0xffffffffL);
        }
        return new Request(version, op, 0, 0, 0);
    }

    /** An error answer carrying only the header: unsupported version or opcode. */
    static byte[] error(int op, int result, long epochSecs) {
        return ByteBuffer.allocate(8).put((byte) VERSION).put((byte) (128 + (op & 0x7f))).putShort((short) result)
                .putInt((int) epochSecs).array();
    }

    /** The answer to a public address request. */
    static byte[] address(int result, long epochSecs, IPv4Address address) {
        return ByteBuffer.allocate(12).put((byte) VERSION).put((byte) (128 + OP_ADDRESS)).putShort((short) result)
                .putInt((int) epochSecs).putInt(address.getInt()).array();
    }

    /** NAT-PMP's result code for an outcome (RFC 6886, section 3.5: it has fewer than PCP). */
    static int code(MappingOutcome outcome) {
        return switch (outcome) {
            case SUCCESS -> SUCCESS;
            case NETWORK_FAILURE -> NETWORK_FAILURE;
            case NO_RESOURCES, USER_EX_QUOTA -> OUT_OF_RESOURCES;
            default -> NOT_AUTHORIZED;
        };
    }

    /** The answer to a mapping request. */
    static byte[] mapped(int op, long epochSecs, MappingResult r) {
        return ByteBuffer.allocate(16).put((byte) VERSION).put((byte) (128 + op)).putShort((short) code(r.outcome()))
                .putInt((int) epochSecs).putShort((short) r.insidePort()).putShort((short) r.publicPort())
                .putInt((int) r.lifetimeSecs()).array();
    }
}
