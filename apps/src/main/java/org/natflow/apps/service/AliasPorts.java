package org.natflow.apps.service;

import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;

/** Ports of the link's alias address for one protocol: random free choice in 1024..65535. Not thread-safe. */
final class AliasPorts {

    private static final int MIN = 1024;
    private static final int MAX = 65535;
    private final BitSet used = new BitSet();

    /** A free port, marked used; -1 when none is left. */
    int allocate() {
        int size = MAX - MIN + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        int free = used.nextClearBit(MIN + start);
        if (free > MAX) {
            free = used.nextClearBit(MIN);
            if (free > MAX) {
                return -1;
            }
        }
        used.set(free);
        return free;
    }

    void release(int port) {
        used.clear(port);
    }
}
