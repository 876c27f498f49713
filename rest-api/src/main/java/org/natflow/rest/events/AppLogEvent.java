package org.natflow.rest.events;

import java.time.Instant;

/**
 * One of natflow's application events: a line of its application log that names an event ({@code event=...},
 * as every app logs what it does), at INFO or above.
 *
 * @param time    when
 * @param level   INFO, WARN or ERROR
 * @param logger  the logger (which app)
 * @param event   the name after {@code event=}
 * @param message the whole line
 */
public record AppLogEvent(Instant time, String level, String logger, String event, String message) {
}
