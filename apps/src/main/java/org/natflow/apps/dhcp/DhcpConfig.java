package org.natflow.apps.dhcp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The DHCP server's settings: what it hands out, and the options every client gets (a reservation's client the
 * same). The router option is the gateway address, the server identifier too.
 *
 * @param ranges        addresses handed out, each inside an inside network
 * @param leaseTime     how long a lease lasts; clients renew at half and rebind at 7/8 of it
 * @param dnsServers    option 6; empty: none given
 * @param domain        option 15; empty: none
 * @param search        option 119 (domain search list); empty: none
 * @param mtu           option 26; 0: none
 * @param ntpServers    option 42; empty: none
 * @param routes        option 121, classless static routes (prefix to router); empty: none
 * @param extraOptions  operator-defined options by code, sent as given
 * @param offerHold     how long an offered address is held for its client
 * @param declineHold   how long an address a client declined (in use by someone) is not offered
 * @param probeTimeout  how long an ARP probe waits for someone answering for a new address before it is offered;
 *                      zero: no probe
 */
public record DhcpConfig(List<DhcpRange> ranges, Duration leaseTime, List<IPv4Address> dnsServers, String domain,
                         List<String> search, int mtu, List<IPv4Address> ntpServers, List<Route> routes,
                         Map<Integer, byte[]> extraOptions, Duration offerHold, Duration declineHold,
                         Duration probeTimeout) {

    /**
     * A classless static route.
     *
     * @param prefix  the destination prefix
     * @param router  the router towards it
     */
    public record Route(IPv4AddressWithMask prefix, IPv4Address router) {
    }

    public DhcpConfig {
        ranges = List.copyOf(ranges);
        dnsServers = List.copyOf(dnsServers);
        search = List.copyOf(search);
        ntpServers = List.copyOf(ntpServers);
        routes = List.copyOf(routes);
        extraOptions = Map.copyOf(extraOptions);
        domain = domain == null ? "" : domain;
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("natflow.dhcp.ranges: at least one range");
        }
        if (leaseTime.toSeconds() < 60) {
            throw new IllegalArgumentException("natflow.dhcp.lease-time: at least 60 s, was " + leaseTime);
        }
        if (mtu != 0 && (mtu < 68 || mtu > 65535)) {
            throw new IllegalArgumentException("natflow.dhcp.mtu: 68-65535, was " + mtu);
        }
        for (int code : extraOptions.keySet()) {
            if (code < 1 || code > 254 || code == DhcpOptions.MESSAGE_TYPE || code == DhcpOptions.SERVER_ID
                    || code == DhcpOptions.LEASE_TIME) {
                throw new IllegalArgumentException("natflow.dhcp.options: code " + code
                        + " cannot be set (1-254, not 51, 53 or 54)");
            }
        }
    }
}
