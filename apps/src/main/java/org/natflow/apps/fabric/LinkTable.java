package org.natflow.apps.fabric;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.natflow.controller.api.Dpid;

/**
 * The links probes have found, each with when it was last seen. Changes are made under the fabric's lock;
 * {@link #isLinkPort} may be called without it (every packet-in asks it).
 */
final class LinkTable {

    private final Map<Link, Long> lastSeen = new HashMap<>();
    // How many link directions end on each port: the packet-in path's question in one lookup.
    private final Map<PortKey, Integer> ends = new ConcurrentHashMap<>();

    /** Records a probe's arrival; true if the link is new. */
    boolean seen(Link link, long nowNanos) {
        if (lastSeen.put(link, nowNanos) != null) {
            return false;
        }
        ends.merge(new PortKey(link.src(), link.srcPort()), 1, Integer::sum);
        ends.merge(new PortKey(link.dst(), link.dstPort()), 1, Integer::sum);
        return true;
    }

    private void forget(Link link) {
        for (PortKey k : new PortKey[] {new PortKey(link.src(), link.srcPort()), new PortKey(link.dst(), link.dstPort())}) {
            ends.computeIfPresent(k, (key, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** Drops links not seen for {@code maxAgeNanos}; returns them. */
    List<Link> expire(long nowNanos, long maxAgeNanos) {
        List<Link> gone = new ArrayList<>();
        lastSeen.entrySet().removeIf(e -> {
            if (nowNanos - e.getValue() > maxAgeNanos) {
                gone.add(e.getKey());
                return true;
            }
            return false;
        });
        gone.forEach(this::forget);
        return gone;
    }

    /** Drops the links (both directions) with an end on this port; true if there were any. */
    boolean removePort(Dpid dpid, int port) {
        return remove(l -> l.touches(dpid, port));
    }

    /** Drops the links with an end on this switch; true if there were any. */
    boolean removeSwitch(Dpid dpid) {
        return remove(l -> l.touches(dpid));
    }

    private boolean remove(java.util.function.Predicate<Link> which) {
        List<Link> gone = lastSeen.keySet().stream().filter(which).toList();
        gone.forEach(l -> {
            lastSeen.remove(l);
            forget(l);
        });
        return !gone.isEmpty();
    }

    /** Whether a link ends (or starts) on this port. */
    boolean isLinkPort(Dpid dpid, int port) {
        return ends.containsKey(new PortKey(dpid, port));
    }

    /** The links, in a stable order. */
    List<Link> links() {
        return new ArrayList<>(new TreeSet<>(lastSeen.keySet()));
    }
}
