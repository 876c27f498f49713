package org.natflow.controller.channel;

import io.netty.buffer.ByteBuf;

/**
 * Drops from packet-in matches the connection-tracking fields Loxi does not know. Open vSwitch puts the pipeline
 * fields of a tracked packet into its packet-in's match: besides {@code ct_state}, {@code ct_zone} and
 * {@code ct_mark} (which Loxi reads) the connection's label and original-direction tuple ({@code ct_label},
 * {@code ct_nw_proto}, {@code ct_nw_src}, {@code ct_nw_dst}, {@code ct_ipv6_src}, {@code ct_ipv6_dst},
 * {@code ct_tp_src}, {@code ct_tp_dst}: Nicira NXM class 1 fields 108 and 119 to 125). Loxi refuses the whole
 * message for one of them, so without this every packet-in of a tracked packet (the conntrack datapath's
 * ICMP from the uplink, its copies of new connections) would be skipped. Flows that need those values copy them
 * into registers first, which Loxi reads.
 */
final class TrackedPacketInFixup {

    private static final int TYPE_PACKET_IN = 10;
    private static final int MIN_VERSION = 4;
    private static final int MATCH = 24;
    private static final int OFPMT_OXM = 1;
    private static final int NXM_1 = 0x0001;

    private TrackedPacketInFixup() {
    }

    private static boolean unknownToLoxi(long header) {
        int oxmClass = (int) (header >>> 16);
        int field = (int) (header >>> 9) & 0x7f;
        return oxmClass == NXM_1 && (field == 108 || (field >= 119 && field <= 125));
    }

    /** Whether a well-formed match holds a field to drop (a first pass that allocates nothing). */
    private static boolean holdsUnknown(ByteBuf frame, int match, int matchLength) {
        for (int oxm = match + 4; oxm + 4 <= match + matchLength; ) {
            long header = frame.getUnsignedInt(oxm);
            if (unknownToLoxi(header)) {
                return true;
            }
            oxm += 4 + (int) (header & 0xff);
        }
        return false;
    }

    /**
     * Rewrites the frame in place (it only shrinks) when its match holds such fields; leaves every other
     * frame, and malformed ones, for Loxi to read or reject.
     */
    static void apply(ByteBuf frame) {
        int start = frame.readerIndex();
        int end = start + frame.readableBytes();
        if (frame.readableBytes() < MATCH + 4 || frame.getUnsignedByte(start) < MIN_VERSION
                || frame.getUnsignedByte(start + 1) != TYPE_PACKET_IN) {
            return;
        }
        int match = start + MATCH;
        int matchLength = frame.getUnsignedShort(match + 2);
        int padded = match + ((matchLength + 7) & ~7);
        if (frame.getUnsignedShort(match) != OFPMT_OXM || matchLength < 4 || padded > end) {
            return;
        }
        if (!holdsUnknown(frame, match, matchLength)) {
            return; // the usual packet-in: read, nothing copied
        }
        byte[] kept = new byte[matchLength - 4];
        int keptLength = 0;
        boolean dropped = false;
        for (int oxm = match + 4; oxm < match + matchLength; ) {
            if (oxm + 4 > match + matchLength) {
                return;
            }
            long header = frame.getUnsignedInt(oxm);
            int size = 4 + (int) (header & 0xff);
            if (oxm + size > match + matchLength) {
                return;
            }
            if (unknownToLoxi(header)) {
                dropped = true;
            } else {
                frame.getBytes(oxm, kept, keptLength, size);
                keptLength += size;
            }
            oxm += size;
        }
        if (!dropped) {
            return;
        }
        byte[] rest = new byte[end - padded];
        frame.getBytes(padded, rest);
        int newLength = 4 + keptLength;
        int newPadded = (newLength + 7) & ~7;
        frame.setBytes(match + 4, kept, 0, keptLength);
        frame.setZero(match + newLength, newPadded - newLength);
        frame.setBytes(match + newPadded, rest);
        frame.setShort(match + 2, newLength);
        int total = MATCH + newPadded + rest.length;
        frame.setShort(start + 2, total);
        frame.writerIndex(start + total);
    }
}
