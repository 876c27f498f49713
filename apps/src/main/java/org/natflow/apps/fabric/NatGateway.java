package org.natflow.apps.fabric;

import java.util.Optional;
import java.util.Set;
import org.natflow.apps.border.Borders;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** The NAT gateway as the fabric sees it: its inside address and MAC, its borders, its uplinks kept out. */
public final class NatGateway implements FabricGateway {

    private final Borders borders;

    public NatGateway(Borders borders) {
        this.borders = borders;
    }

    @Override
    public IPv4Address address() {
        return borders.gateway().gatewayAddress();
    }

    @Override
    public MacAddress mac() {
        return borders.gateway().insideMac();
    }

    @Override
    public Set<Dpid> borders() {
        return borders.dpids();
    }

    @Override
    public Optional<Dpid> preferredBorder(IPv4Address host) {
        return borders.borderFor(host);
    }

    @Override
    public Optional<Dpid> requiredBorder(IPv4Address host) {
        return borders.servingBorder(host);
    }

    @Override
    public void onPreferencesChanged(Runnable change) {
        borders.onPinsChanged(change);
    }

    @Override
    public boolean isInsidePort(Dpid dpid, SwitchPort port) {
        return borders.mayFlood(dpid, port);
    }
}
