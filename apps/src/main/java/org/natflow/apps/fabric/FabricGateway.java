package org.natflow.apps.fabric;

import java.util.Optional;
import java.util.Set;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/**
 * The inside hosts' gateway as the fabric sees it: a virtual address present on every switch (the fabric
 * answers ARP for it), whose traffic goes to the host's border. {@link #NONE} for a fabric without NAT.
 */
public interface FabricGateway {

    /** No gateway: the fabric only switches between hosts. */
    FabricGateway NONE = new FabricGateway() {
        @Override
        public IPv4Address address() {
            return null;
        }

        @Override
        public MacAddress mac() {
            return null;
        }

        @Override
        public Set<Dpid> borders() {
            return Set.of();
        }
    };

    /** The gateway's inside address, or null. */
    IPv4Address address();

    /** The gateway's inside MAC, or null. */
    MacAddress mac();

    /** The border switches now. */
    Set<Dpid> borders();

    /** The border a host should keep, if it has one (its public address is there), else empty. */
    default Optional<Dpid> preferredBorder(IPv4Address host) {
        return Optional.empty();
    }

    /**
     * The border a host must use whatever it has now (a static address of its own is translated only there),
     * or empty.
     */
    default Optional<Dpid> requiredBorder(IPv4Address host) {
        return Optional.empty();
    }

    /** Calls {@code change} whenever the borders hosts prefer or require may have changed. */
    default void onPreferencesChanged(Runnable change) {
    }

    /** Whether a port leads to inside hosts or switches (not an uplink, not the service link). */
    default boolean isInsidePort(Dpid dpid, SwitchPort port) {
        return true;
    }
}
