package org.natflow.services.turn;

import java.net.InetSocketAddress;

/**
 * A decoded datagram on the TURN port, or one to send: a STUN message or ChannelData, with the other end.
 *
 * @param remote  sender (received) or recipient (to send)
 * @param message a {@link StunMessage} or a {@link ChannelData}
 * @param key     for a STUN message to send: the MESSAGE-INTEGRITY key, or null for none
 * @param fingerprint for a STUN message to send: whether to append FINGERPRINT
 */
public record TurnPacket(InetSocketAddress remote, Object message, byte[] key, boolean fingerprint) {

    /** A received packet. */
    public static TurnPacket received(InetSocketAddress remote, Object message) {
        return new TurnPacket(remote, message, null, false);
    }
}
