package org.natflow.services.proxy;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The deadline for a client's request (an HTTP request head, a SOCKS handshake), however slowly it trickles in:
 * unlike a read timeout, a byte now and then does not put it off.
 */
final class HeadTimeout {

    private final ScheduledFuture<?> timer;

    /** Runs {@code onTimeout} on the channel's event loop if {@link #done} is not called in time. */
    HeadTimeout(Channel ch, Duration timeout, Runnable onTimeout) {
        this.timer = ch.eventLoop().schedule(onTimeout, timeout.toMillis(), TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> timer.cancel(false));
    }

    /** The request is complete. */
    void done() {
        timer.cancel(false);
    }
}
