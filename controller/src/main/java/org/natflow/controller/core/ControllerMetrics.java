package org.natflow.controller.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;

/**
 * Counters of the OpenFlow core, read by the application's metrics binder. Kept as plain adders so the core
 * needs no metrics library.
 */
public final class ControllerMetrics {

    /** Packet-ins queued for ARP/LLDP handling. */
    public final LongAdder packetInControl = new LongAdder();
    /** Packet-ins queued for other handling. */
    public final LongAdder packetInData = new LongAdder();
    /** Packet-ins by the reason the switch gave (table miss, action, invalid TTL, ...). */
    public final Map<OFPacketInReason, LongAdder> packetInByReason = byReason();
    /** Packet-ins dropped because their queue was full. */
    public final LongAdder packetInDropped = new LongAdder();
    /** Packet-ins whose data was not an Ethernet frame. */
    public final LongAdder packetInMalformed = new LongAdder();
    /** OpenFlow messages that could not be decoded and were skipped. */
    public final LongAdder messagesSkipped = new LongAdder();
    /** Connections closed because of unrecoverable input (framing, unknown version). */
    public final LongAdder connectionsRejected = new LongAdder();
    /** Handshakes that did not complete in time or failed negotiation. */
    public final LongAdder handshakeFailures = new LongAdder();
    /** Messages sent in flow batches. */
    public final LongAdder flowMessagesSent = new LongAdder();
    /** Errors returned by switches for batch messages. */
    public final LongAdder flowErrors = new LongAdder();
    /** Completed batches and their total barrier round-trip time. */
    public final LongAdder batchesCompleted = new LongAdder();
    public final LongAdder batchNanos = new LongAdder();
    // Who else takes each batch's round trip (a latency histogram); set once at start.
    private volatile java.util.function.LongConsumer batchLatencies = nanos -> { };
    /** Barrier or statistics replies that did not arrive in time. */
    public final LongAdder requestTimeouts = new LongAdder();
    /** Statistics replies refused for passing the reply bound (the switch was disconnected). */
    public final LongAdder repliesOversized = new LongAdder();
    /** Ports a switch announced beyond the bound per switch, ignored. */
    public final LongAdder portsRefused = new LongAdder();
    /** Switches refused: a dpid outside the allow list, or a replacement from another host over plain TCP. */
    public final LongAdder switchesRefused = new LongAdder();
    /** Port changes that arrived while an earlier change of the same port still waited for delivery. */
    public final LongAdder portEventsCoalesced = new LongAdder();

    private static Map<OFPacketInReason, LongAdder> byReason() {
        Map<OFPacketInReason, LongAdder> m = new EnumMap<>(OFPacketInReason.class);
        for (OFPacketInReason r : OFPacketInReason.values()) {
            m.put(r, new LongAdder());
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Each completed batch's round trip, in nanoseconds, also goes to {@code listener} (called on I/O threads). */
    public void onBatchLatency(java.util.function.LongConsumer listener) {
        this.batchLatencies = listener;
    }

    /** Counts a completed batch and its barrier round trip. */
    public void batchCompleted(long nanos) {
        batchesCompleted.increment();
        batchNanos.add(nanos);
        batchLatencies.accept(nanos);
    }
}
