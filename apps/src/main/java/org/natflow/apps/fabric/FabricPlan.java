package org.natflow.apps.fabric;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchInfo;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.types.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fabric's forwarding as a function of what it knows: for every host, the flows every switch should have
 * (towards the host on its shortest path, towards its border for the gateway, turn-backs and transit on
 * borders), and which border each host belongs to. No I/O: {@link FabricService} diffs the result against what
 * is installed.
 */
final class FabricPlan {

    // Logs as FabricService: one logger category per app, as operators configure and grep it.
    private static final Logger log = LoggerFactory.getLogger(FabricService.class);

    private FabricPlan() {
    }

    /**
     * The entries the switches should hold, keyed by switch, kind and host MAC.
     *
     * @param assigned each host's border, kept while it stays reachable; updated here
     */
    static Map<List<Object>, FabricFlows.Entry> wanted(Collection<FabricHost> hosts, Set<Dpid> switches,
                                                        List<Link> links, Set<Dpid> borders, FabricGateway gateway,
                                                        Map<MacAddress, Dpid> assigned) {
        MacAddress gw = gateway.mac();
        ShortestPaths paths = new ShortestPaths(links);
        Map<Dpid, ShortestPaths.Tree> trees = new HashMap<>();
        Map<List<Object>, FabricFlows.Entry> wanted = new HashMap<>();
        for (FabricHost h : hosts) {
            ShortestPaths.Tree toHost = trees.computeIfAbsent(h.dpid(), paths::towards);
            for (Dpid s : switches) {
                if (s.equals(h.dpid())) {
                    want(wanted, new FabricFlows.Entry(s, FabricFlows.Kind.TO_HOST, h.mac(), h.port()));
                } else if (toHost.reaches(s)) {
                    want(wanted, new FabricFlows.Entry(s, FabricFlows.Kind.TO_HOST, h.mac(),
                            toHost.nextPort().get(s)));
                }
                Integer way = s.equals(h.dpid()) ? Integer.valueOf(h.port()) : toHost.nextPort().get(s);
                if (way != null && borders.contains(s)) {
                    want(wanted, new FabricFlows.Entry(s, FabricFlows.Kind.TURN_BACK, h.mac(), way));
                }
            }
            Dpid border = gw == null ? null : chooseBorder(h, borders, toHost, gateway, assigned);
            if (border == null) {
                assigned.remove(h.mac());
                continue;
            }
            if (!border.equals(assigned.put(h.mac(), border))) {
                log.info("event=fabric-host-border mac={} ip={} border={}", h.mac(), h.ip(), border);
            }
            ShortestPaths.Tree toBorder = trees.computeIfAbsent(border, paths::towards);
            for (Dpid s : switches) {
                if (!s.equals(border) && toBorder.reaches(s)) {
                    want(wanted, new FabricFlows.Entry(s, FabricFlows.Kind.TO_GATEWAY, h.mac(),
                            toBorder.nextPort().get(s)));
                }
                if (!s.equals(border) && borders.contains(s)) {
                    want(wanted, new FabricFlows.Entry(s, FabricFlows.Kind.TRANSIT, h.mac(), 0));
                }
            }
        }
        return wanted;
    }

    private static void want(Map<List<Object>, FabricFlows.Entry> wanted, FabricFlows.Entry e) {
        wanted.put(List.of(e.dpid(), e.kind(), e.mac()), e);
    }

    /**
     * A host's border: the one its static address is served by, if any and reachable; else the one it has
     * while that stays reachable; else the one its public address is on
     * (a forward, or the address it is paired with); else the nearest, ties split by the host's MAC so
     * hosts spread over equally near borders.
     */
    private static Dpid chooseBorder(FabricHost h, Set<Dpid> borders, ShortestPaths.Tree toHost,
                                     FabricGateway gateway, Map<MacAddress, Dpid> assigned) {
        if (h.ip() != null) {
            Optional<Dpid> required = gateway.requiredBorder(h.ip());
            if (required.isPresent() && borders.contains(required.get()) && reaches(required.get(), h, toHost)) {
                return required.get();
            }
        }
        Dpid current = assigned.get(h.mac());
        if (current != null && borders.contains(current) && reaches(current, h, toHost)) {
            return current;
        }
        if (h.ip() != null) {
            Optional<Dpid> preferred = gateway.preferredBorder(h.ip());
            if (preferred.isPresent() && borders.contains(preferred.get()) && reaches(preferred.get(), h, toHost)) {
                return preferred.get();
            }
        }
        List<Dpid> nearest = new ArrayList<>();
        int best = Integer.MAX_VALUE;
        for (Dpid b : new TreeSet<>(borders)) {
            Integer hops = b.equals(h.dpid()) ? Integer.valueOf(0) : toHost.hops().get(b);
            if (hops == null) {
                continue;
            }
            if (hops < best) {
                best = hops;
                nearest.clear();
            }
            if (hops == best) {
                nearest.add(b);
            }
        }
        if (nearest.isEmpty()) {
            return null;
        }
        return nearest.get((int) Long.remainderUnsigned(h.mac().getLong(), nearest.size()));
    }

    private static boolean reaches(Dpid border, FabricHost h, ShortestPaths.Tree toHost) {
        return border.equals(h.dpid()) || toHost.reaches(border);
    }


    /**
     * The flow-mods that turn what is installed into what is wanted, per connected switch: entries gone (and
     * turn-backs that changed, which are matched strictly) are removed, new or changed ones installed.
     */
    static Map<Dpid, List<OFMessage>> changes(Map<List<Object>, FabricFlows.Entry> installed,
                                             Map<List<Object>, FabricFlows.Entry> wanted, MacAddress gw,
                                             Map<Dpid, SwitchInfo> connected) {
        Map<Dpid, List<OFMessage>> batches = new HashMap<>();
        for (var e : installed.entrySet()) {
            FabricFlows.Entry now = wanted.get(e.getKey());
            if (now == null || (e.getValue().kind() == FabricFlows.Kind.TURN_BACK && !now.equals(e.getValue()))) {
                SwitchInfo sw = connected.get(e.getValue().dpid());
                if (sw != null) {
                    batches.computeIfAbsent(sw.dpid(), k -> new ArrayList<>())
                            .add(FabricFlows.remove(sw.factory(), e.getValue(), gw));
                }
            }
        }
        for (var e : wanted.entrySet()) {
            SwitchInfo sw = connected.get(e.getValue().dpid());
            if (sw != null && !e.getValue().equals(installed.get(e.getKey()))) {
                batches.computeIfAbsent(sw.dpid(), k -> new ArrayList<>())
                        .add(FabricFlows.install(sw.factory(), e.getValue(), gw));
            }
        }
        return batches;
    }
}
