package org.natflow.apps.fabric;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.natflow.controller.api.Dpid;

/** The links probes have found, each with when it was last seen. Not thread-safe: the fabric guards it. */
final class LinkTable {

    private final Map<Link, Long> lastSeen = new HashMap<>();

    /** Records a probe's arrival; true if the link is new. */
    boolean seen(Link link, long nowNanos) {
        return lastSeen.put(link, nowNanos) == null;
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
        return gone;
    }

    /** Drops the links (both directions) with an end on this port; true if there were any. */
    boolean removePort(Dpid dpid, int port) {
        return lastSeen.keySet().removeIf(l -> l.touches(dpid, port));
    }

    /** Drops the links with an end on this switch; true if there were any. */
    boolean removeSwitch(Dpid dpid) {
        return lastSeen.keySet().removeIf(l -> l.touches(dpid));
    }

    /** Whether a link ends (or starts) on this port. */
    boolean isLinkPort(Dpid dpid, int port) {
        for (Link l : lastSeen.keySet()) {
            if (l.touches(dpid, port)) {
                return true;
            }
        }
        return false;
    }

    /** The links, in a stable order. */
    List<Link> links() {
        return new ArrayList<>(new TreeSet<>(lastSeen.keySet()));
    }
}
