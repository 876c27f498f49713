package org.natflow.apps.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Conversations no service has vouched for yet (a first datagram or SYN from anyone, spoofed or not), bounded
 * so that they cannot take the alias ports a real client needs: at most {@code perSource} from one remote
 * address, and at most {@code total} in all, beyond which the oldest is given up for the newest; and each for at
 * most {@code maxAge}, after which it is given up anyway (a SYN nothing accepted, a datagram nobody
 * answered for: their flows would otherwise hold the source's share for hours). A conversation leaves this set
 * when its service confirms it (an authenticated TURN request, an accepted TCP relay leg) or when it closes.
 * Not thread-safe: the service link holds its lock.
 */
final class Unconfirmed {

    private record Entry(Conversation conversation, long sinceNanos) {
    }

    private final int perSource;
    private final int total;
    private final long maxAgeNanos;
    private final LinkedHashMap<Integer, Entry> byAlias = new LinkedHashMap<>();
    private final Map<IPv4Address, Integer> perAddress = new HashMap<>();

    Unconfirmed(int perSource, int total, Duration maxAge) {
        this.perSource = perSource;
        this.total = total;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** Takes out the conversations unconfirmed for longer than the maximum age, oldest first, to be closed. */
    List<Conversation> expired(long nowNanos) {
        List<Conversation> out = new ArrayList<>();
        Iterator<Entry> it = byAlias.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (nowNanos - e.sinceNanos() < maxAgeNanos) {
                break; // in insertion order: the rest are younger
            }
            it.remove();
            perAddress.computeIfPresent(e.conversation().remote().address(), (a, n) -> n <= 1 ? null : n - 1);
            out.add(e.conversation());
        }
        return out;
    }

    /** Whether a remote address may open another unconfirmed conversation. */
    boolean admits(IPv4Address remote) {
        return perAddress.getOrDefault(remote, 0) < perSource;
    }

    /** The oldest unconfirmed conversation, to close before another is opened; null while there is room. */
    Conversation overflow() {
        if (byAlias.size() < total) {
            return null;
        }
        Iterator<Entry> it = byAlias.values().iterator();
        return it.hasNext() ? it.next().conversation() : null;
    }

    void add(Conversation c, long nowNanos) {
        byAlias.put(key(c), new Entry(c, nowNanos));
        perAddress.merge(c.remote().address(), 1, Integer::sum);
    }

    /** Forgets a conversation (confirmed or closed); false if it was not unconfirmed. */
    boolean remove(Conversation c) {
        Entry e = byAlias.get(key(c));
        if (e != null && e.conversation().equals(c)) {
            byAlias.remove(key(c));
            perAddress.computeIfPresent(c.remote().address(), (a, n) -> n <= 1 ? null : n - 1);
            return true;
        }
        return false;
    }

    int size() {
        return byAlias.size();
    }

    private static int key(Conversation c) {
        return c.protocol().number() << 16 | c.aliasPort();
    }
}
