package org.natflow.apps.border;

import java.util.List;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * A switch serving as NAT border.
 *
 * @param dpid      the switch
 * @param factory   its message factory
 * @param uplink    its uplink port
 * @param addresses the pool addresses it translates to and answers ARP for on the uplink; the first is its
 *                  own address there (ARP requests to next hops come from it)
 */
public record Border(Dpid dpid, OFFactory factory, OFPort uplink, List<IPv4Address> addresses) {

    public Border {
        addresses = AddressList.of(addresses);
    }

    /** Whether a pool address is this border's. */
    public boolean owns(IPv4Address a) {
        return addresses.contains(a);
    }

    /** Its address on the uplink. */
    public IPv4Address uplinkAddress() {
        return addresses.get(0);
    }
}
