package org.natflow.controller.packet;

/**
 * A TCP header.
 *
 * @param srcPort source port
 * @param dstPort destination port
 * @param seq     sequence number
 * @param ack     acknowledgement number
 * @param flags   the flag bits (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10)
 * @param window  window size
 */
public record TcpSegment(int srcPort, int dstPort, long seq, long ack, int flags, int window)
        implements TransportPayload {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
