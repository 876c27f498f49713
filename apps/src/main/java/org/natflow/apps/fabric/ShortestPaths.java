package org.natflow.apps.fabric;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.natflow.controller.api.Dpid;

/**
 * Hop-count shortest paths over the discovered links. For each destination switch the next hops form a tree
 * (each switch has one way on), so forwarding along them cannot loop. Ties go to the lowest dpid and port, so
 * the same topology always gives the same paths.
 */
final class ShortestPaths {

    private final Map<Dpid, List<Link>> into = new HashMap<>();

    ShortestPaths(Collection<Link> links) {
        List<Link> sorted = new ArrayList<>(links);
        sorted.sort(null);
        for (Link l : sorted) {
            into.computeIfAbsent(l.dst(), k -> new ArrayList<>()).add(l);
        }
    }

    /** Result of a search towards one switch. */
    record Tree(Map<Dpid, Integer> nextPort, Map<Dpid, Integer> hops) {

        boolean reaches(Dpid from) {
            return hops.containsKey(from);
        }
    }

    /** For every switch that can reach {@code target}: the port it sends out of, and how many hops it is. */
    Tree towards(Dpid target) {
        Map<Dpid, Integer> next = new HashMap<>();
        Map<Dpid, Integer> hops = new HashMap<>();
        hops.put(target, 0);
        Deque<Dpid> queue = new ArrayDeque<>();
        queue.add(target);
        while (!queue.isEmpty()) {
            Dpid at = queue.poll();
            for (Link l : into.getOrDefault(at, List.of())) {
                if (!hops.containsKey(l.src())) {
                    hops.put(l.src(), hops.get(at) + 1);
                    next.put(l.src(), l.srcPort());
                    queue.add(l.src());
                }
            }
        }
        return new Tree(next, hops);
    }
}
