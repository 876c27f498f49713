package org.natflow.controller.channel;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.natflow.controller.core.OpenFlowController;

/**
 * The pipeline of a switch connection, in order: flush consolidation, idle detection (drives echo
 * keepalive), framing + Loxi decoding, encoding, and the handshake/session handler.
 */
public final class OpenFlowChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final OpenFlowController controller;

    public OpenFlowChannelInitializer(OpenFlowController controller) {
        this.controller = controller;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        var settings = controller.settings();
        ch.config().setTcpNoDelay(true);
        ch.pipeline()
                .addLast("flush", new FlushConsolidationHandler(256, true))
                .addLast("idle", new IdleStateHandler(settings.echoInterval().toMillis(), 0, 0,
                        TimeUnit.MILLISECONDS))
                .addLast("decoder", new OpenFlowMessageDecoder(controller.metrics()))
                .addLast("encoder", OpenFlowMessageEncoder.INSTANCE)
                .addLast("handler", new SwitchChannelHandler(controller, settings.handshakeTimeout()));
    }
}
