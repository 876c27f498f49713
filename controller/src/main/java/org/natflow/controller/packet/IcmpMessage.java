package org.natflow.controller.packet;

/**
 * An ICMP header.
 *
 * @param type       ICMP type
 * @param code       ICMP code
 * @param identifier echo identifier (for echo request/reply; otherwise the raw bytes 4-5)
 * @param sequence   echo sequence (for echo request/reply; otherwise the raw bytes 6-7)
 * @param bodyOffset offset in the frame of the bytes after the 8-byte ICMP header (for errors: the
 *                   embedded IP header)
 */
public record IcmpMessage(int type, int code, int identifier, int sequence, int bodyOffset)
        implements TransportPayload {

    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;

    public boolean isEcho() {
        return type == ECHO_REQUEST || type == ECHO_REPLY;
    }

    public boolean isError() {
        return type == DEST_UNREACHABLE || type == TIME_EXCEEDED || type == 12;
    }
}
