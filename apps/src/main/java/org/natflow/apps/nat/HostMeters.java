package org.natflow.apps.nat;

import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The per-host meters of one border: which inside host has which meter id. Ids are the lowest free ones from 1,
 * so a border's meters stay within the hosts the NAT tracks (at most {@code natflow.nat.max-hosts}), and an id
 * given back is used again. Assigning and releasing are guarded by this object.
 */
final class HostMeters {

    private final Map<IPv4Address, Long> ids = new ConcurrentHashMap<>();
    private final BitSet used = new BitSet();

    /** A meter id for a host that has none yet; empty if it has one (read without the lock: the usual case). */
    OptionalLong assign(IPv4Address host) {
        if (ids.containsKey(host)) {
            return OptionalLong.empty();
        }
        return assignNew(host);
    }

    private synchronized OptionalLong assignNew(IPv4Address host) {
        if (ids.containsKey(host)) {
            return OptionalLong.empty();
        }
        int id = used.nextClearBit(1);
        used.set(id);
        ids.put(host, (long) id);
        return OptionalLong.of(id);
    }

    /** Takes a host's meter back: its id, if it had one. */
    synchronized OptionalLong release(IPv4Address host) {
        Long id = ids.remove(host);
        if (id == null) {
            return OptionalLong.empty();
        }
        used.clear(id.intValue());
        return OptionalLong.of(id);
    }

    /** Meters in use. */
    int size() {
        return ids.size();
    }
}
