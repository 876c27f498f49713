package org.natflow.services.ipfix;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most so many records per second (a fixed one-second window). Thread-safe without a lock: the window and
 * its count share one atomic word (second in the high 40 bits, count in the low 24).
 */
final class RecordRate {

    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

    private final int perSecond;
    private final AtomicLong state = new AtomicLong(Long.MIN_VALUE);

    /** @param perSecond at most 16 777 215 */
    RecordRate(int perSecond) {
        if (perSecond < 1 || perSecond > COUNT_MASK) {
            throw new IllegalArgumentException("records per second: 1 to " + COUNT_MASK);
        }
        this.perSecond = perSecond;
    }

    /** Whether one more record may go in the second of {@code nowMillis}. */
    boolean tryTake(long nowMillis) {
        long second = nowMillis / 1000;
        while (true) {
            long s = state.get();
            long next;
            if (s == Long.MIN_VALUE || s >>> COUNT_BITS != second) {
                next = (second << COUNT_BITS) | 1;
            } else if ((s & COUNT_MASK) >= perSecond) {
                return false;
            } else {
                next = s + 1;
            }
            if (state.compareAndSet(s, next)) {
                return true;
            }
        }
    }
}
