package org.natflow.apps.service;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Conversations no service has vouched for yet (a first datagram or SYN from anyone, spoofed or not), bounded
 * so that they cannot take the alias ports a real client needs: at most {@code perSource} from one remote
 * address, and at most {@code total} in all, beyond which the oldest is given up for the newest. A conversation
 * leaves this set when its service confirms it (an authenticated TURN request, an accepted TCP relay leg) or
 * when it closes. Not thread-safe: the service link holds its lock.
 */
final class Unconfirmed {

    private final int perSource;
    private final int total;
    private final LinkedHashMap<Integer, Conversation> byAlias = new LinkedHashMap<>();
    private final Map<IPv4Address, Integer> perAddress = new HashMap<>();

    Unconfirmed(int perSource, int total) {
        this.perSource = perSource;
        this.total = total;
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
        Iterator<Conversation> it = byAlias.values().iterator();
        return it.hasNext() ? it.next() : null;
    }

    void add(Conversation c) {
        byAlias.put(key(c), c);
        perAddress.merge(c.remote().address(), 1, Integer::sum);
    }

    /** Forgets a conversation (confirmed or closed); false if it was not unconfirmed. */
    boolean remove(Conversation c) {
        if (byAlias.remove(key(c), c)) {
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
