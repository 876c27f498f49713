package org.natflow.services.intercept;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;

/**
 * The first of a connection's sniffers: Netty's ClientHello reader (a ClientHello split over records or
 * segments is gathered first) gives the TLS SNI; bytes that start like an HTTP request go on to
 * {@link HttpHostSniffer}; anything else names nothing, decided from the first byte when it can be neither (a
 * client whose first message is short is not kept waiting for more). It then steps aside, and what it read goes on down the
 * pipeline untouched.
 */
final class NameSniffer extends AbstractSniHandler<String> {

    private static final int TLS_HANDSHAKE = 0x16;

    NameSniffer() {
        super(InterceptConfig.MAX_SNIFF_BYTES, 0L);
    }

    /** Whether the client has sent any bytes yet. */
    boolean started() {
        return actualReadableBytes() > 0;
    }

    /** Bytes that can be neither a TLS record nor an HTTP request line name nothing: no waiting for more. */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, java.util.List<Object> out) throws Exception {
        if (in.isReadable()) {
            int first = in.getUnsignedByte(in.readerIndex());
            if (first != TLS_HANDSHAKE && (first < 'A' || first > 'Z')) {
                ctx.fireUserEventTriggered(new Sniffed(Sniffed.Kind.OTHER, null, false));
                ctx.pipeline().remove(this);
                return;
            }
        }
        super.decode(ctx, in, out);
    }

    @Override
    protected Future<String> lookup(ChannelHandlerContext ctx, String hostname) {
        return ctx.executor().newSucceededFuture(hostname);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<String> future) {
        ByteBuf read = internalBuffer();
        int first = read.isReadable() ? read.getUnsignedByte(read.readerIndex()) : -1;
        if (first == TLS_HANDSHAKE) {
            ctx.fireUserEventTriggered(Sniffed.named(Sniffed.Kind.TLS, hostname));
            ctx.pipeline().remove(this);
        } else if (HttpHostSniffer.startsLikeHttp(read)) {
            ctx.pipeline().replace(this, null, new HttpHostSniffer());
        } else {
            ctx.fireUserEventTriggered(new Sniffed(Sniffed.Kind.OTHER, null, false));
            ctx.pipeline().remove(this);
        }
    }
}
