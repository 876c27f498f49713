package org.natflow.apps.nat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.PublicPorts;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The conntrack datapath's port blocks: one per inside host, on its paired address, {@code size} consecutive
 * ports aligned to the block size from the start of the range, held in {@link PublicPorts} for TCP and UDP
 * alike.
 */
public final class PortBlocks {

    private final PublicPorts ports;
    private final int size;
    private final Clock clock;
    private final Map<IPv4Address, PortBlock> blocks = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** Blocks of {@code size} ports taken from {@code ports}. */
    public PortBlocks(PublicPorts ports, int size, Clock clock) {
        this.ports = ports;
        this.size = size;
        this.clock = clock;
    }

    /**
     * What {@link #block} found or made.
     *
     * @param block     the host's block on the border asked about
     * @param created   whether it was assigned just now
     * @param displaced the block the host held on another border until now (released here), or null
     */
    public record Lookup(PortBlock block, boolean created, PortBlock displaced) {
    }

    /**
     * The inside host's port block on this border, assigned if it has none. A block the host holds on another
     * border is released first (the host moved) and reported as {@code displaced}.
     *
     * @throws AllocationException when no block is free on the host's address
     */
    public synchronized Lookup block(IPv4Address inside, Border border, MacAddress mac, OFPort switchPort)
            throws AllocationException {
        PortBlock existing = blocks.get(inside);
        if (existing != null && existing.dpid().equals(border.dpid())) {
            return new Lookup(existing, false, null);
        }
        if (existing != null) {
            release(inside);
        }
        IPv4Address pub = ports.pair(inside, border.addresses());
        int first = ports.reserveBlock(inside, pub, size);
        if (first < 0) {
            throw new AllocationException(AllocationException.Reason.POOL_EXHAUSTED,
                    "no free block of " + size + " ports on " + pub + " (paired with " + inside + ")", pub, 0, false);
        }
        int last = first + size - 1;
        PortBlock b = new PortBlock(ids.incrementAndGet(), inside, pub, first, last, border.dpid(), mac, switchPort,
                clock.millis());
        blocks.put(inside, b);
        return new Lookup(b, true, existing);
    }

    /**
     * Takes back a block read from a switch's flow table (a controller restart): its ports are reserved again
     * for its host.
     *
     * @return false if the host has a block already, the address is not in the pool, or a port is taken
     */
    public synchronized boolean restore(PortBlock b) {
        if (blocks.containsKey(b.inside()) || !ports.pool().contains(b.address())
                || !ports.claimBlock(b.inside(), b.address(), b.first(), b.last())) {
            return false;
        }
        blocks.put(b.inside(), b);
        ids.accumulateAndGet(b.id(), Math::max);
        return true;
    }

    /** Releases the host's port block, if it has one, returning its ports to the pool. */
    public synchronized Optional<PortBlock> release(IPv4Address inside) {
        PortBlock b = blocks.remove(inside);
        if (b != null) {
            ports.releaseBlock(b.address(), b.first(), b.last());
        }
        return Optional.ofNullable(b);
    }

    /** The inside host's port block, if it has one. */
    public synchronized Optional<PortBlock> of(IPv4Address inside) {
        return Optional.ofNullable(blocks.get(inside));
    }

    /** The port block with this id, if it is still assigned. */
    public synchronized Optional<PortBlock> byId(long id) {
        for (PortBlock b : blocks.values()) {
            if (b.id() == id) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Every assigned port block, oldest first. */
    public synchronized List<PortBlock> all() {
        List<PortBlock> out = new ArrayList<>(blocks.values());
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    /** Assigned blocks (cheap: what a metrics scrape reads). */
    public synchronized int size() {
        return blocks.size();
    }
}
