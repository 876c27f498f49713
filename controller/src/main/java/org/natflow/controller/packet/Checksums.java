package org.natflow.controller.packet;

/** The Internet checksum (RFC 1071). */
public final class Checksums {

    private Checksums() {
    }

    /**
     * The one's complement of the one's complement sum of {@code length} bytes from {@code offset}. Over data
     * that includes a correct checksum field it is 0.
     */
    public static int ones(byte[] data, int offset, int length) {
        long sum = 0;
        int i = offset;
        int end = offset + length;
        for (; i + 1 < end; i += 2) {
            sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
        }
        if (i < end) {
            sum += (data[i] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
