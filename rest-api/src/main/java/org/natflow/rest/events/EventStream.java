package org.natflow.rest.events;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.natevents.NatEvent;
import org.natflow.apps.natevents.NatEventListener;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One reader's stream: NAT events and application events wait in a bounded queue (a slow reader loses the oldest, counted and told), and a
 * thread of the stream's own writes them, so that the threads raising events never wait on a socket. A comment
 * every 15 s finds a reader that went away.
 */
final class EventStream implements NatEventListener, java.util.function.Consumer<AppLogEvent> {

    private static final int QUEUE = 1024;
    private static final long KEEPALIVE_MILLIS = 15_000;

    private final SseEmitter emitter;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong lost = new AtomicLong();
    private final Runnable onEnd;
    private final AtomicBoolean open = new AtomicBoolean(true);

    EventStream(SseEmitter emitter, Runnable onEnd) {
        this.emitter = emitter;
        this.onEnd = onEnd;
        emitter.onCompletion(this::end);
        emitter.onTimeout(this::end);
        emitter.onError(e -> end());
    }

    @Override
    public void natEvent(NatEvent event) {
        offer(event);
    }

    @Override
    public void accept(AppLogEvent event) {
        offer(event);
    }

    private void offer(Object event) {
        while (!queue.offer(event)) {
            if (queue.poll() != null) {
                lost.incrementAndGet(); // the oldest goes
            }
        }
    }

    /** Writes events until the reader goes; run on the stream's own thread. */
    void run() {
        long lastWrite = System.currentTimeMillis();
        try {
            emitter.send(SseEmitter.event().comment("natflow NAT events"));
            while (open.get()) {
                Object e = queue.poll(1, TimeUnit.SECONDS);
                long lostNow = lost.getAndSet(0);
                if (lostNow > 0) {
                    emitter.send(SseEmitter.event().name("lost").data("{\"events\":" + lostNow + "}",
                            MediaType.APPLICATION_JSON));
                }
                if (e instanceof NatEvent n) {
                    emitter.send(SseEmitter.event().name("nat").data(EventView.of(n), MediaType.APPLICATION_JSON));
                    lastWrite = System.currentTimeMillis();
                } else if (e instanceof AppLogEvent a) {
                    emitter.send(SseEmitter.event().name("app").data(a, MediaType.APPLICATION_JSON));
                    lastWrite = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - lastWrite >= KEEPALIVE_MILLIS) {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                    lastWrite = System.currentTimeMillis();
                }
            }
        } catch (IOException | IllegalStateException e) {
            emitter.completeWithError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } finally {
            end();
        }
    }

    private void end() {
        if (open.getAndSet(false)) {
            onEnd.run();
        }
    }
}
