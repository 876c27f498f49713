package org.natflow.services.turn;

import java.util.Map;

/**
 * TURN server settings.
 *
 * @param port                 UDP port on the public address (3478)
 * @param realm                the long-term credential realm
 * @param users                configured users, name to password
 * @param secret               the shared secret of the time-limited scheme (coturn's use-auth-secret), or null
 * @param allocationsPerUser   most live allocations one user may hold
 * @param bandwidth            bytes per second one allocation may relay in each direction (0: no cap)
 * @param defaultLifetime      allocation lifetime when the client asks for less (RFC 8656: 600 s)
 * @param maxLifetime          longest allocation lifetime granted (3600 s)
 */
public record TurnConfig(int port, String realm, Map<String, String> users, String secret, int allocationsPerUser,
                         long bandwidth, int defaultLifetime, int maxLifetime) {

    public TurnConfig {
        users = Map.copyOf(users);
    }
}
