package org.natflow.controller.channel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.time.Duration;
import org.natflow.controller.api.LogLimiter;
import org.natflow.controller.core.ControllerMetrics;
import org.projectfloodlight.openflow.exceptions.OFParseError;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMessageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits the byte stream into OpenFlow messages by the header's length field and decodes each with Loxi.
 * A frame with a valid header but a body Loxi cannot parse (unknown type, truncated packet-in) is skipped
 * with a log line: the stream stays in step. A length below the 8-byte header or an unknown version byte
 * means the stream is garbage, and the connection is closed.
 */
public final class OpenFlowMessageDecoder extends LengthFieldBasedFrameDecoder {

    private static final Logger log = LoggerFactory.getLogger(OpenFlowMessageDecoder.class);
    private static final int HEADER = 8;
    private static final int MAX_VERSION = 6;

    private final OFMessageReader<OFMessage> reader = OFFactories.getGenericReader();
    /** Lines about skipped messages: a stream of garbage must not become a flood of log (the meter counts all). */
    private static final LogLimiter SKIPPED = new LogLimiter(20, Duration.ofSeconds(10));

    private final ControllerMetrics metrics;
    private boolean corrupted;

    public OpenFlowMessageDecoder(ControllerMetrics metrics) {
        super(0xffff, 2, 2, -4, 0);
        this.metrics = metrics;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (corrupted) {
            // The connection is being closed; whatever else arrives is not OpenFlow.
            in.skipBytes(in.readableBytes());
            return null;
        }
        if (in.readableBytes() >= 4) {
            int version = in.getUnsignedByte(in.readerIndex());
            int length = in.getUnsignedShort(in.readerIndex() + 2);
            if (version < 1 || version > MAX_VERSION) {
                corrupted = true;
                throw new CorruptedFrameException("unknown OpenFlow version byte " + version);
            }
            if (length < HEADER) {
                corrupted = true;
                throw new CorruptedFrameException("message length " + length + " below header size");
            }
        }
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        try {
            Of15OxsFixup.apply(frame);
            TrackedPacketInFixup.apply(frame);
            OFMessage message = reader.readFrom(frame);
            if (message == null) {
                skip(ctx, frame, "no message");
            }
            return message;
        } catch (OFParseError | RuntimeException e) {
            skip(ctx, frame, e.getMessage());
            return null;
        } finally {
            frame.release();
        }
    }

    private void skip(ChannelHandlerContext ctx, ByteBuf frame, String reason) {
        metrics.messagesSkipped.increment();
        long left = SKIPPED.permit();
        if (left >= 0) {
            log.warn("event=message-skipped remote={} version={} type={} length={} reason=\"{}\" suppressed={}",
                    ctx.channel().remoteAddress(), frame.getUnsignedByte(0), frame.getUnsignedByte(1),
                    frame.getUnsignedShort(2), reason, left);
        }
    }
}
