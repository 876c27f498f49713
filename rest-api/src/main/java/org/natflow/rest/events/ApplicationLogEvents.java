package org.natflow.rest.events;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * natflow's application events for the event streams: an appender on the application log that passes on
 * natflow's own lines naming an event ({@code event=...}) at INFO or above, made into an {@link AppLogEvent}
 * only while a stream listens (otherwise it costs a check per line). Lines longer than 2 KiB are cut.
 */
@Component
public class ApplicationLogEvents extends AppenderBase<ILoggingEvent> {

    private static final int MAX_MESSAGE = 2048;
    private final List<Consumer<AppLogEvent>> listeners = new CopyOnWriteArrayList<>();

    /** {@code listener} takes every application event from now on (called on the logging thread: do not block). */
    public void join(Consumer<AppLogEvent> listener) {
        listeners.add(listener);
    }

    /** {@code listener} takes no more. */
    public void leave(Consumer<AppLogEvent> listener) {
        listeners.remove(listener);
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (listeners.isEmpty() || !e.getLevel().isGreaterOrEqual(Level.INFO)
                || !e.getLoggerName().startsWith("org.natflow.")) {
            return;
        }
        String m = e.getFormattedMessage();
        if (m == null || !m.startsWith("event=")) {
            return;
        }
        int end = m.indexOf(' ');
        String name = m.substring(6, end < 0 ? m.length() : end);
        AppLogEvent a = new AppLogEvent(Instant.ofEpochMilli(e.getTimeStamp()), e.getLevel().toString(),
                e.getLoggerName().substring(e.getLoggerName().lastIndexOf('.') + 1), name,
                m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) : m);
        for (Consumer<AppLogEvent> l : listeners) {
            l.accept(a);
        }
    }

    /** Joins the application log. */
    @PostConstruct
    void attach() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            setContext(ctx);
            setName("natflow-event-streams");
            start();
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
        }
    }

    @PreDestroy
    void detach() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        }
        stop();
    }
}
