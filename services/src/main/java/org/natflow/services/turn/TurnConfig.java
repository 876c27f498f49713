package org.natflow.services.turn;

import java.util.List;
import java.util.Map;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * TURN server settings.
 *
 * @param port                 UDP port on the public address (3478)
 * @param realm                the long-term credential realm
 * @param users                configured users, name to password
 * @param secret               the shared secret of the time-limited scheme (coturn's use-auth-secret), or null
 * @param allocationsPerUser   most live allocations one user may hold
 * @param maxAllocations       most live allocations of all users together
 * @param bandwidth            bytes per second one allocation may relay in each direction (0: no cap)
 * @param defaultLifetime      allocation lifetime when the client asks for less (RFC 8656: 600 s)
 * @param maxLifetime          longest allocation lifetime granted (3600 s)
 * @param deniedPeers          peers never relayed to, besides the gateway's own networks (see {@link #DENIED})
 * @param allowedPeers         exceptions to {@code deniedPeers} and to the uplink subnet (a peer on the public
 *                             segment); never to the inside networks, the pool, loopback, link-local or multicast
 * @param alternatePort        the second port of RFC 5780 behaviour discovery (on both of the first two pool
 *                             addresses; 0: off). Only with two or more pool addresses.
 */
public record TurnConfig(int port, String realm, Map<String, String> users, String secret, int allocationsPerUser,
                         int maxAllocations, long bandwidth, int defaultLifetime, int maxLifetime,
                         List<IPv4AddressWithMask> deniedPeers, List<IPv4AddressWithMask> allowedPeers,
                         int alternatePort) {

    /**
     * Special-purpose IPv4 space no TURN client should reach through natflow, as in coturn's secure configuration:
     * RFC 1918 private networks, RFC 6598 shared address space, and the RFC 6890 special-purpose ranges (this
     * network, IETF protocol assignments, the documentation networks, 6to4 relays, benchmarking, reserved).
     */
    public static final List<IPv4AddressWithMask> DENIED = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10",
            "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24",
            "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4")
            .stream().map(IPv4AddressWithMask::of).toList();

    public TurnConfig {
        users = Map.copyOf(users);
        deniedPeers = List.copyOf(deniedPeers);
        allowedPeers = List.copyOf(allowedPeers);
        if (alternatePort == port) {
            throw new IllegalArgumentException("natflow.turn.alternate-port: must differ from natflow.turn.port");
        }
    }

    /** Without behaviour discovery. */
    public TurnConfig(int port, String realm, Map<String, String> users, String secret, int allocationsPerUser,
                      int maxAllocations, long bandwidth, int defaultLifetime, int maxLifetime,
                      List<IPv4AddressWithMask> deniedPeers, List<IPv4AddressWithMask> allowedPeers) {
        this(port, realm, users, secret, allocationsPerUser, maxAllocations, bandwidth, defaultLifetime, maxLifetime,
                deniedPeers, allowedPeers, 0);
    }
}
