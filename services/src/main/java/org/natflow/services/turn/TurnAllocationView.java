package org.natflow.services.turn;

import java.util.List;

/**
 * A TURN allocation as operators see it.
 *
 * @param id               allocation id
 * @param username         the authenticated user
 * @param client           the client's endpoint (public, or inside when it is behind this NAT)
 * @param relayedAddress   the relayed transport address on the public side
 * @param lifetimeSeconds  seconds left
 * @param permissions      peer addresses with a permission
 * @param channels         channel bindings, {@code 0x4000 -> ip:port}
 * @param bytesToPeers     bytes relayed from the client to peers
 * @param bytesFromPeers   bytes relayed from peers to the client
 */
public record TurnAllocationView(long id, String username, String client, String relayedAddress,
                                 long lifetimeSeconds, List<String> permissions, List<String> channels,
                                 long bytesToPeers, long bytesFromPeers) {
}
