package org.natflow.apps.fabric;

import java.util.Optional;
import java.util.Set;
import org.natflow.apps.nat.NaptService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

/** The NAT as the fabric's gateway: its inside address and MAC, its borders, its uplinks kept out. */
public final class NatGateway implements FabricGateway {

    private final NaptService napt;

    public NatGateway(NaptService napt) {
        this.napt = napt;
    }

    @Override
    public IPv4Address address() {
        return napt.config().gatewayAddress();
    }

    @Override
    public MacAddress mac() {
        return napt.config().insideMac();
    }

    @Override
    public Set<Dpid> borders() {
        return napt.borders();
    }

    @Override
    public Optional<Dpid> preferredBorder(IPv4Address host) {
        return napt.borderFor(host);
    }

    @Override
    public boolean isInsidePort(Dpid dpid, SwitchPort port) {
        return napt.mayFlood(dpid, port);
    }
}
