package org.natflow.services.ipfix;

/** At most so many records per second (a fixed one-second window). Thread-safe. */
final class RecordRate {

    private final int perSecond;
    private long second = Long.MIN_VALUE;
    private int taken;

    RecordRate(int perSecond) {
        this.perSecond = perSecond;
    }

    /** Whether one more record may go in the second of {@code nowMillis}. */
    synchronized boolean tryTake(long nowMillis) {
        long s = nowMillis / 1000;
        if (s != second) {
            second = s;
            taken = 0;
        }
        if (taken >= perSecond) {
            return false;
        }
        taken++;
        return true;
    }
}
