package org.natflow.apps.l2;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** Where each MAC address was last seen, per switch. Thread-safe. */
public final class MacTable {

    private final Map<Dpid, Map<MacAddress, OFPort>> table = new ConcurrentHashMap<>();

    /**
     * Records that {@code mac} is behind {@code port}.
     *
     * @return the port it was behind before, if it moved
     */
    public Optional<OFPort> learn(Dpid dpid, MacAddress mac, OFPort port) {
        OFPort old = table.computeIfAbsent(dpid, d -> new ConcurrentHashMap<>()).put(mac, port);
        return old == null || old.equals(port) ? Optional.empty() : Optional.of(old);
    }

    public Optional<OFPort> lookup(Dpid dpid, MacAddress mac) {
        Map<MacAddress, OFPort> macs = table.get(dpid);
        return macs == null ? Optional.empty() : Optional.ofNullable(macs.get(mac));
    }

    /** Forgets every MAC learned behind a port (port down or removed). */
    public void forgetPort(Dpid dpid, OFPort port) {
        Map<MacAddress, OFPort> macs = table.get(dpid);
        if (macs != null) {
            macs.values().removeIf(port::equals);
        }
    }

    /** Forgets a switch. */
    public void forgetSwitch(Dpid dpid) {
        table.remove(dpid);
    }

    /** How many MACs are known on a switch. */
    public int size(Dpid dpid) {
        Map<MacAddress, OFPort> macs = table.get(dpid);
        return macs == null ? 0 : macs.size();
    }
}
