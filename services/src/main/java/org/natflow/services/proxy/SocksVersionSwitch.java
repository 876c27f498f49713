package org.natflow.services.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import io.netty.handler.codec.socksx.SocksVersion;
import java.util.List;

/**
 * Netty's choice of SOCKS decoders by the first byte, with what is neither SOCKS4 nor SOCKS5 counted as
 * malformed before the connection closes.
 */
final class SocksVersionSwitch extends SocksPortUnificationServerHandler {

    private final ProxyServer server;
    private final ProxyClient client;

    SocksVersionSwitch(ProxyServer server, ProxyClient client) {
        this.server = server;
        this.client = client;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (in.isReadable()) {
            SocksVersion v = SocksVersion.valueOf(in.getByte(in.readerIndex()));
            if (v != SocksVersion.SOCKS4a && v != SocksVersion.SOCKS5) {
                server.refused(client, Refusal.MALFORMED, "not SOCKS4 or SOCKS5 (first byte "
                        + (in.getByte(in.readerIndex()) & 0xff) + ")");
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
        }
        super.decode(ctx, in, out);
    }
}
