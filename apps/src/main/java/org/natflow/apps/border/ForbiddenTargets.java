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
        return !(target instanceof Inet4Address) || always(gateway, IPv4Address.of(target.getAddress()));
    }

    /** The same for an IPv4 address. */
    public static boolean always(GatewayConfig gateway, IPv4Address ip) {
        int first = ip.getInt() >>> 24;
        int second = (ip.getInt() >>> 16) & 0xff;
        return first == 0 || first == 127 || (first == 169 && second == 254) || (first >= 224 && first < 240)
                || ip.equals(BROADCAST) || gateway.isInside(ip) || gateway.isPublic(ip)
                || ip.equals(gateway.gatewayAddress());
    }
}
