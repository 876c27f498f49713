package org.natflow.services.ipfix;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.natflow.apps.natevents.NatEvent;
import org.natflow.apps.natevents.NatEventType;

/**
 * Refusal events (quota exceeded, ports or addresses exhausted) come with every refused packet; one per
 * interval per host, address or border is what a collector needs. Keeps at most {@code maxKeys} keys (spoofed
 * sources cannot grow it): past that, keys older than the interval are forgotten, and while none is, new keys
 * wait. Thread-safe.
 */
final class RefusalThrottle {

    private record Key(NatEventType type, int protocol, int address, long dpid) {
    }

    private final long intervalMillis;
    private final int maxKeys;
    private final Map<Key, Long> last = new ConcurrentHashMap<>();

    RefusalThrottle(long intervalMillis, int maxKeys) {
        this.intervalMillis = intervalMillis;
        this.maxKeys = maxKeys;
    }

    /** Whether events of this type stand to be throttled. */
    static boolean applies(NatEvent e) {
        return e.type() == NatEventType.QUOTA_EXCEEDED || e.type() == NatEventType.PORTS_EXHAUSTED
                || e.type() == NatEventType.ADDRESSES_EXHAUSTED;
    }

    /** Whether this refusal event goes out (the first for its key in the interval). */
    boolean admit(NatEvent e, long nowMillis) {
        Key k = new Key(e.type(), e.protocol() == null ? 0 : e.protocol().number(),
                e.inside() != null ? e.inside().getInt() : e.outside() != null ? e.outside().getInt() : 0,
                e.dpid());
        Long prev = last.get(k);
        if (prev != null && nowMillis - prev < intervalMillis) {
            return false;
        }
        if (prev == null && last.size() >= maxKeys) {
            forgetOlderThan(nowMillis - intervalMillis);
            if (last.size() >= maxKeys) {
                return false;
            }
        }
        last.put(k, nowMillis);
        return true;
    }

    private void forgetOlderThan(long millis) {
        for (Iterator<Long> it = last.values().iterator(); it.hasNext(); ) {
            if (it.next() <= millis) {
                it.remove();
            }
        }
    }
}
