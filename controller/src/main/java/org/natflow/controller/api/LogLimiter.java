package org.natflow.controller.api;

import java.time.Duration;

/**
 * Lets through at most {@code lines} log lines per interval for one kind of event, and counts the rest, so that
 * a flood of bad input cannot flood the log: the next line let through says how many were left out.
 */
public final class LogLimiter {

    private final int lines;
    private final long intervalNanos;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    /** At most {@code lines} lines per {@code interval}. */
    public LogLimiter(int lines, Duration interval) {
        this.lines = lines;
        this.intervalNanos = interval.toNanos();
        this.windowStart = System.nanoTime();
    }

    /**
     * Whether a line may be logged now; -1 if not (it is counted), else how many were left out since the last
     * line let through (log it with the line, e.g. {@code suppressed=N}).
     */
    public synchronized long permit() {
        long now = System.nanoTime();
        if (now - windowStart >= intervalNanos) {
            windowStart = now;
            inWindow = 0;
        }
        if (inWindow >= lines) {
            suppressed++;
            return -1;
        }
        inWindow++;
        long s = suppressed;
        suppressed = 0;
        return s;
    }
}
