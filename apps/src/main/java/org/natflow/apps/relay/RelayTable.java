package org.natflow.apps.relay;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;

/** The live relays, by rule id and by the public ports of their legs: what the packet path looks up. */
final class RelayTable {

    private record PortKey(Protocol protocol, IPv4Address address, int port) {
    }

    private final Map<Long, LiveRelay> byId = new ConcurrentHashMap<>();
    private final Map<PortKey, LiveRelay> byPort = new ConcurrentHashMap<>();

    /** Makes a rule live, unbound. */
    LiveRelay add(RelayRule r) {
        LiveRelay relay = new LiveRelay(r);
        byId.put(r.id(), relay);
        for (RelayLeg l : r.legs()) {
            byPort.put(new PortKey(r.protocol(), r.publicAddress(), l.publicPort()), relay);
        }
        return relay;
    }

    /** Forgets a rule; its live state, or null. */
    LiveRelay remove(long id) {
        LiveRelay relay = byId.remove(id);
        if (relay != null) {
            for (RelayLeg l : relay.rule.legs()) {
                byPort.remove(new PortKey(relay.rule.protocol(), relay.rule.publicAddress(), l.publicPort()));
            }
        }
        return relay;
    }

    LiveRelay get(long id) {
        return byId.get(id);
    }

    /** Whether this live state is still its rule's (not deleted meanwhile). */
    boolean holds(LiveRelay relay) {
        return byId.get(relay.rule.id()) == relay;
    }

    /** The relay with a leg on a public port, or null. */
    LiveRelay at(Protocol p, IPv4Address address, int port) {
        return byPort.get(new PortKey(p, address, port));
    }

    Collection<LiveRelay> all() {
        return byId.values();
    }

    int size() {
        return byId.size();
    }
}
