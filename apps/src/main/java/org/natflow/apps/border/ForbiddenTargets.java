package org.natflow.apps.border;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Destinations natflow's own services (TURN relays, the proxies) never open a connection or send to, whatever
 * the operator allows: anything but IPv4, the inside networks, the pool, the gateway, loopback, "this network"
 * ({@code 0.0.0.0/8}), link-local (the service link's own addresses among them), multicast and broadcast. A
 * service that could reach them would let an outsider in, or let an inside host reach natflow itself.
 */
public final class ForbiddenTargets {

    private static final IPv4Address BROADCAST = IPv4Address.of("255.255.255.255");

    private ForbiddenTargets() {
    }

    /** Whether {@code target} is one of the destinations no service of this gateway may reach. */
    public static boolean always(GatewayConfig gateway, InetAddress target) {
        if (!(target instanceof Inet4Address) || target.isLoopbackAddress() || target.isAnyLocalAddress()
                || target.isLinkLocalAddress() || target.isMulticastAddress()) {
            return true;
        }
        IPv4Address ip = IPv4Address.of(target.getAddress());
        return gateway.isInside(ip) || gateway.isPublic(ip) || ip.equals(gateway.gatewayAddress())
                || ip.equals(BROADCAST) || (target.getAddress()[0] & 0xff) == 0;
    }
}
