package org.natflow.apps.vpn;

/**
 * What the tunnel reports of a peer.
 *
 * @param endpoint          its current outer address and port ("198.51.100.20:40312"), or null before it spoke
 * @param lastHandshakeSecs the last handshake, seconds since the epoch (0: never)
 * @param rxBytes           bytes received from it
 * @param txBytes           bytes sent to it
 */
public record PeerStatus(String endpoint, long lastHandshakeSecs, long rxBytes, long txBytes) {

    /** A peer that has not been heard from. */
    public static final PeerStatus SILENT = new PeerStatus(null, 0, 0, 0);
}
