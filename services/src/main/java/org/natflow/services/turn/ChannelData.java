package org.natflow.services.turn;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A ChannelData message (RFC 8656, 12.4): channel number, length, application data. RFC 8656 allows channels
 * 0x4000-0x4FFF; RFC 5766 allowed up to 0x7FFE and clients still pick from there (coturn's do), so that wider
 * range is accepted.
 *
 * @param channel the channel number
 * @param data    the application data
 */
public record ChannelData(int channel, byte[] data) {

    public static final int MIN_CHANNEL = 0x4000;
    public static final int MAX_CHANNEL = 0x7FFE;

    public ChannelData {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Whether a datagram starts like ChannelData (top two bits 01). */
    public static boolean looksLikeChannelData(byte[] d) {
        return d.length >= 4 && (d[0] & 0xC0) == 0x40;
    }

    /** Parses a datagram (padding after the data is allowed). */
    public static ChannelData decode(byte[] d) throws StunException {
        if (d.length < 4) {
            throw new StunException("ChannelData shorter than its header");
        }
        ByteBuffer b = ByteBuffer.wrap(d);
        int channel = b.getShort() & 0xffff;
        int length = b.getShort() & 0xffff;
        if (channel < MIN_CHANNEL || channel > MAX_CHANNEL) {
            throw new StunException(String.format("channel 0x%04x outside 0x4000-0x7FFE", channel));
        }
        if (length > d.length - 4) {
            throw new StunException("ChannelData length " + length + " overruns the datagram");
        }
        return new ChannelData(channel, Arrays.copyOfRange(d, 4, 4 + length));
    }

    /** Encodes it, padded to a multiple of four bytes. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(4 + ((data.length + 3) & ~3));
        b.putShort((short) channel).putShort((short) data.length).put(data);
        return b.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelData c && c.channel == channel && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * channel + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return String.format("channelData(0x%04x, %d bytes)", channel, data.length);
    }
}
