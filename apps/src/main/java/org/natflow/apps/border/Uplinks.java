package org.natflow.apps.border;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Checks a set of uplinks against the pool and gives each its addresses. */
public final class Uplinks {

    private Uplinks() {
    }

    /**
     * The uplinks with their addresses: an uplink that names addresses keeps them; the pool's other
     * addresses are split, in pool order and round robin, between the uplinks that name none. Every
     * border then answers for its own addresses only, so the public side routes each back to its border.
     *
     * @throws IllegalArgumentException (naming the uplink) for no uplinks, a port given twice, an address
     *                                  outside the pool or in two uplinks, or an uplink left without addresses
     */
    public static List<Uplink> resolve(List<Uplink> uplinks, List<IPv4Address> pool) {
        if (uplinks.isEmpty()) {
            throw new IllegalArgumentException("at least one uplink is needed");
        }
        Map<IPv4Address, String> claimed = new HashMap<>();
        List<Uplink> sharing = new ArrayList<>();
        for (int i = 0; i < uplinks.size(); i++) {
            Uplink u = uplinks.get(i);
            for (int j = 0; j < i; j++) {
                if (uplinks.get(j).samePort(u)) {
                    throw new IllegalArgumentException("uplink " + u.port() + " is given twice");
                }
            }
            for (var a : u.addresses()) {
                if (!pool.contains(a)) {
                    throw new IllegalArgumentException("uplink " + u.port() + ": " + a + " is not in the pool " + pool);
                }
                String other = claimed.putIfAbsent(a, u.port());
                if (other != null && !other.equals(u.port())) {
                    throw new IllegalArgumentException("uplink " + u.port() + ": " + a + " already belongs to uplink "
                            + other);
                }
            }
            if (u.addresses().isEmpty()) {
                sharing.add(u);
            }
        }
        List<List<IPv4Address>> shares = new ArrayList<>();
        sharing.forEach(u -> shares.add(new ArrayList<>()));
        int next = 0;
        for (var a : pool) {
            if (!claimed.containsKey(a) && !sharing.isEmpty()) {
                shares.get(next++ % sharing.size()).add(a);
            }
        }
        List<Uplink> out = new ArrayList<>();
        for (Uplink u : uplinks) {
            int k = sharing.indexOf(u);
            Uplink resolved = k < 0 ? u : u.withAddresses(shares.get(k));
            if (resolved.addresses().isEmpty()) {
                throw new IllegalArgumentException("uplink " + u.port() + " gets no pool address: the pool " + pool
                        + " has fewer unclaimed addresses than uplinks that share it");
            }
            out.add(resolved);
        }
        return out;
    }
}
