package org.natflow.services.intercept;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the Host header of a plaintext HTTP request: once the request head is in (at most
 * {@link InterceptConfig#MAX_SNIFF_BYTES}), a copy goes through Netty's request decoder; the bytes themselves are
 * not consumed, and go on down the pipeline when it steps aside.
 */
final class HttpHostSniffer extends ByteToMessageDecoder {

    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Whether bytes begin like an HTTP/1 request line: an upper-case method token and a space. */
    static boolean startsLikeHttp(ByteBuf b) {
        int n = Math.min(b.readableBytes(), 8);
        for (int i = 0; i < n; i++) {
            int c = b.getUnsignedByte(b.readerIndex() + i);
            if (c == ' ') {
                return i > 0;
            }
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return false;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ByteBuf window = in.slice(in.readerIndex(), Math.min(in.readableBytes(), InterceptConfig.MAX_SNIFF_BYTES));
        int end = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(HEAD_END), window);
        if (end < 0 && in.readableBytes() < InterceptConfig.MAX_SNIFF_BYTES) {
            return; // the head is not complete yet
        }
        String host = end < 0 ? null : host(in.retainedSlice(in.readerIndex(), end + HEAD_END.length));
        ctx.fireUserEventTriggered(Sniffed.named(Sniffed.Kind.HTTP, host));
        ctx.pipeline().remove(this);
    }

    /** The host of a request head's Host header (without its port), or null. */
    static String host(ByteBuf head) {
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpRequestDecoder(InterceptConfig.MAX_SNIFF_BYTES,
                InterceptConfig.MAX_SNIFF_BYTES, InterceptConfig.MAX_SNIFF_BYTES));
        try {
            decoder.writeInbound(head);
            Object msg = decoder.readInbound();
            try {
                if (!(msg instanceof HttpRequest req) || req.decoderResult().isFailure()) {
                    return null;
                }
                String h = req.headers().get(HttpHeaderNames.HOST);
                if (h == null || h.isBlank() || h.startsWith("[")) {
                    return null;
                }
                int colon = h.indexOf(':');
                return colon < 0 ? h : h.substring(0, colon);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
    }
}
