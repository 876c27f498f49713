package org.natflow.apps.relay;

import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * One side of a relay.
 *
 * @param publicPort    the public port its peer sends to (0 in a draft: allocate one)
 * @param allowedSource the prefix its peer must come from, or null for anyone
 */
public record RelayLeg(int publicPort, IPv4AddressWithMask allowedSource) {

    /** Whether a source may bind this leg. */
    public boolean admits(org.projectfloodlight.openflow.types.IPv4Address source) {
        return allowedSource == null || allowedSource.contains(source);
    }

    /** The same leg on another port. */
    public RelayLeg withPort(int port) {
        return new RelayLeg(port, allowedSource);
    }
}
