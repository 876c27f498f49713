package org.natflow.controller.channel;

import io.netty.buffer.ByteBuf;

/**
 * Renumbers OXS statistics fields in OpenFlow 1.5 messages so Loxi reads them. OpenFlow 1.5.1 (section 7.2.4)
 * numbers the fields duration 0, idle_time 1, flow_count 3, packet_count 4, byte_count 5, and switches such as
 * Open vSwitch send those ids; Loxi 3.6 numbers them 0, 1, 2, 3, 4 and refuses the rest. Without this, every
 * OpenFlow 1.5 flow-stats reply and flow-removed message fails to decode.
 */
final class Of15OxsFixup {

    private static final int VERSION_15 = 6;
    private static final int TYPE_FLOW_REMOVED = 11;
    private static final int TYPE_MULTIPART_REPLY = 19;
    private static final int MULTIPART_FLOW_DESC = 1;
    private static final int OXS_CLASS_BASIC = 0x8002;
    /** Spec field id to Loxi field id; -1: leave alone. */
    private static final int[] SPEC_TO_LOXI = {0, 1, -1, 2, 3, 4};

    private Of15OxsFixup() {
    }

    /** Rewrites the frame in place where needed; leaves malformed frames for Loxi to reject. */
    static void apply(ByteBuf frame) {
        int start = frame.readerIndex();
        int end = start + frame.readableBytes();
        if (frame.readableBytes() < 8 || frame.getUnsignedByte(start) != VERSION_15) {
            return;
        }
        int type = frame.getUnsignedByte(start + 1);
        if (type == TYPE_FLOW_REMOVED) {
            fixStats(frame, start + 24, end);
        } else if (type == TYPE_MULTIPART_REPLY && frame.readableBytes() >= 16
                && frame.getUnsignedShort(start + 8) == MULTIPART_FLOW_DESC) {
            int entry = start + 16;
            while (entry + 24 <= end) {
                int length = frame.getUnsignedShort(entry);
                if (length < 24 || entry + length > end) {
                    return;
                }
                fixStats(frame, entry + 24, entry + length);
                entry += length;
            }
        }
    }

    /** Fixes the ofp_stats that follows the ofp_match at {@code match}. */
    private static void fixStats(ByteBuf frame, int match, int end) {
        if (match + 4 > end) {
            return;
        }
        int matchLength = frame.getUnsignedShort(match + 2);
        int stats = match + ((matchLength + 7) & ~7);
        if (stats + 4 > end) {
            return;
        }
        int statsEnd = Math.min(end, stats + frame.getUnsignedShort(stats + 2));
        int oxs = stats + 4;
        while (oxs + 4 <= statsEnd) {
            long header = frame.getUnsignedInt(oxs);
            int oxsClass = (int) (header >>> 16);
            int field = (int) (header >>> 9) & 0x7f;
            int length = (int) (header & 0xff);
            if (oxsClass == OXS_CLASS_BASIC && field < SPEC_TO_LOXI.length && SPEC_TO_LOXI[field] >= 0) {
                long fixed = (header & ~(0x7fL << 9)) | ((long) SPEC_TO_LOXI[field] << 9);
                frame.setInt(oxs, (int) fixed);
            }
            oxs += 4 + length;
        }
    }
}
