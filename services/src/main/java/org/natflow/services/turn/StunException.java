package org.natflow.services.turn;

/** A datagram that is not a well-formed STUN message or ChannelData. */
public final class StunException extends Exception {

    public StunException(String message) {
        super(message, null, false, false);
    }
}
