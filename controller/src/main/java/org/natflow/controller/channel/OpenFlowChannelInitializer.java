package org.natflow.controller.channel;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.natflow.controller.api.LogLimiter;
import org.natflow.controller.core.OpenFlowController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of a switch connection, in order: flush consolidation, idle detection (drives echo
 * keepalive), framing + Loxi decoding, encoding, and the handshake/session handler.
 */
public final class OpenFlowChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final Logger log = LoggerFactory.getLogger(OpenFlowChannelInitializer.class);
    private static final LogLimiter refusals = new LogLimiter(10, Duration.ofSeconds(10));

    private final OpenFlowController controller;
    private final AtomicInteger open = new AtomicInteger();

    public OpenFlowChannelInitializer(OpenFlowController controller) {
        this.controller = controller;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        var settings = controller.settings();
        // Connections are bounded: each costs buffers and a handshake timer before it proves to be a switch.
        if (open.incrementAndGet() > settings.limits().connections()) {
            open.decrementAndGet();
            controller.metrics().connectionsRejected.increment();
            long left = refusals.permit();
            if (left >= 0) {
                log.warn("event=connection-refused remote={} reason=\"more than {} OpenFlow connections\""
                        + " suppressed={}", ch.remoteAddress(), settings.limits().connections(), left);
            }
            ch.close();
            return;
        }
        ch.closeFuture().addListener(f -> open.decrementAndGet());
        // TLS first: nothing reaches the OpenFlow decoder before the switch has shown a trusted certificate.
        settings.access().tls().ifPresent(tls -> ch.pipeline().addLast("tls", tls.newHandler(ch.alloc())));
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
