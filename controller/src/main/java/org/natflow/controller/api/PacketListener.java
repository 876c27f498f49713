package org.natflow.controller.api;

/**
 * Receives packet-ins in priority order. Listeners run on controller worker threads (never I/O threads) and
 * may block briefly, e.g. on a flow batch's barrier.
 */
@FunctionalInterface
public interface PacketListener {

    /**
     * Handles a packet.
     *
     * @return true when the packet was consumed; listeners after this one do not see it
     */
    boolean onPacket(PacketContext context);
}
