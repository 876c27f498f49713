package org.natflow.rest.events;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.natflow.apps.natevents.NatEventFanOut;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * NAT events live: each {@code GET} is a stream of server-sent events named {@code nat} (an {@link EventView}
 * as JSON), {@code app} (an {@link AppLogEvent}: natflow's application events, as its log names them) and
 * {@code lost} (how many a slow reader missed). At most {@value #MAX_STREAMS} streams at once;
 * another gets 503. Needs the read role: the events say who was translated to what.
 */
@RestController
@RequestMapping("/api/v1/events")
@Conditional(NatEnabledCondition.class)
@Tag(name = "events", description = "NAT events (mappings, blocks, bindings, refusals) and application events as"
        + " server-sent events")
public class EventStreamResource {

    /** Streams open at once at most. */
    static final int MAX_STREAMS = 16;
    private static final long STREAM_MILLIS = 30 * 60_000L;

    private final NatEventFanOut events;
    private final ApplicationLogEvents applicationEvents;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private final AtomicInteger numbers = new AtomicInteger();

    public EventStreamResource(NatEventFanOut events, ApplicationLogEvents applicationEvents) {
        this.events = events;
        this.applicationEvents = applicationEvents;
    }

    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "NAT events as they happen (server-sent events; a stream lasts 30 minutes, then reconnect)")
    public SseEmitter stream() {
        if (!streams.tryAcquire()) {
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, MAX_STREAMS + " event streams are open");
        }
        SseEmitter emitter = new SseEmitter(STREAM_MILLIS);
        EventStream[] stream = new EventStream[1];
        stream[0] = new EventStream(emitter, () -> {
            events.leave(stream[0]);
            applicationEvents.leave(stream[0]);
            streams.release();
        });
        events.join(stream[0]);
        applicationEvents.join(stream[0]);
        Thread t = new Thread(stream[0]::run, "natflow-events-" + numbers.incrementAndGet());
        t.setDaemon(true);
        t.start();
        return emitter;
    }
}
