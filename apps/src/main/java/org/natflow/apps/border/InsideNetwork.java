package org.natflow.apps.border;

import java.util.Optional;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * What lies between a border and the inside hosts: nothing but the border's own ports ({@link #DIRECT}),
 * or a campus fabric that forwards by MAC (the fabric app). The NAT asks it how to record where a host is
 * and how to reach hosts it has not seen yet.
 */
public interface InsideNetwork {

    /** Inside hosts are on the border's own ports. */
    InsideNetwork DIRECT = new InsideNetwork() {
    };

    /**
     * The port to record for an inside host whose packet arrived on {@code inPort} of a border: that port,
     * or {@link org.natflow.apps.HostDelivery#ACROSS_FABRIC} when a fabric delivers.
     */
    default OFPort hostPort(Border border, OFPort inPort) {
        return inPort;
    }

    /** Where an inside host is for a border, if the network already knows it (a fabric learns hosts everywhere). */
    default Optional<HostLocation> known(Border border, IPv4Address host) {
        return Optional.empty();
    }

    /**
     * Sends an ARP request from the gateway to every inside segment; false when the network leaves that to
     * the border (it then floods it on its own inside ports).
     */
    default boolean broadcast(Border border, byte[] frame) {
        return false;
    }
}
