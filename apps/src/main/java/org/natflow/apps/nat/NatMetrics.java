package org.natflow.apps.nat;

import java.util.concurrent.atomic.LongAdder;

/** NAT counters, bound to meters by the application. */
public final class NatMetrics {

    /** Mappings created. */
    public final LongAdder created = new LongAdder();
    /** Mappings ended (idle, admin or failure). */
    public final LongAdder deleted = new LongAdder();
    /** New flows refused: pool exhausted. */
    public final LongAdder refusedPool = new LongAdder();
    /** New flows refused: per-host quota. */
    public final LongAdder refusedQuota = new LongAdder();
    /** New-flow packet-ins refused: the host exceeded its new-flow rate. */
    public final LongAdder refusedRate = new LongAdder();
    /** New flows refused: the switch rejected the flows or did not answer. */
    public final LongAdder refusedSwitch = new LongAdder();
    /** Packets dropped for a source outside the inside networks. */
    public final LongAdder spoofed = new LongAdder();
    /** Packet-ins for new outbound flows. */
    public final LongAdder newFlowPacketIns = new LongAdder();
    /** Fragments dropped: their datagram could not be placed in time, or has no translatable protocol. */
    public final LongAdder fragmentsDropped = new LongAdder();
    /** Port blocks assigned to inside hosts (conntrack datapath). */
    public final LongAdder blocksAssigned = new LongAdder();
    /** Port blocks released (idle host, border retired, flows gone). */
    public final LongAdder blocksReleased = new LongAdder();
    /** Routed packets the NAT does not translate: other protocols, inside-to-inside routing. */
    public final LongAdder untranslatable = new LongAdder();
    /** New-flow packets from inside hosts past {@code natflow.nat.max-hosts}: no meter nor bucket of their own. */
    public final LongAdder hostsUntracked = new LongAdder();
    /** Copies of new connections (conntrack datapath) learned: which inside endpoint has which public one. */
    public final LongAdder trackedCopiesLearned = new LongAdder();
    /** Copies of new connections that said nothing usable (no registers, outside the inside host's block). */
    public final LongAdder trackedCopiesUnusable = new LongAdder();
    /** Inside hosts whose meters and buckets were forgotten after ten minutes without a new flow. */
    public final LongAdder hostsForgotten = new LongAdder();
}
