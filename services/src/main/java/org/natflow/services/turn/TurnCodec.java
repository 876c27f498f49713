package org.natflow.services.turn;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageCodec;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datagrams to and from {@link TurnPacket}s. A malformed datagram is dropped (and counted), never answered:
 * RFC 8489 says to discard what does not parse.
 */
public final class TurnCodec extends MessageToMessageCodec<DatagramPacket, TurnPacket> {

    private static final Logger log = LoggerFactory.getLogger(TurnCodec.class);

    private final LongAdder malformed;

    public TurnCodec(LongAdder malformed) {
        this.malformed = malformed;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, TurnPacket p, List<Object> out) {
        byte[] bytes = p.message() instanceof StunMessage m ? m.encode(p.key(), p.fingerprint())
                : ((ChannelData) p.message()).encode();
        out.add(new DatagramPacket(Unpooled.wrappedBuffer(bytes), p.remote()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket d, List<Object> out) {
        byte[] bytes = ByteBufUtil.getBytes(d.content());
        try {
            if (ChannelData.looksLikeChannelData(bytes)) {
                out.add(TurnPacket.received(d.sender(), ChannelData.decode(bytes)));
            } else {
                out.add(TurnPacket.received(d.sender(), StunMessage.decode(bytes)));
            }
        } catch (StunException e) {
            malformed.increment();
            log.debug("event=turn-malformed from={} reason=\"{}\"", d.sender(), e.getMessage());
        }
    }
}
