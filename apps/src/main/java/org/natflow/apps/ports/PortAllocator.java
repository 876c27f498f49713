package org.natflow.apps.ports;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Public ports of one (public address, protocol): random choice within the range (RFC 6056, algorithm 1:
 * random start, then the next free port), never a port in use, reserved (port forwards, relays) or in
 * quarantine for another inside host. Not thread-safe: {@link PublicPorts} serialises access.
 *
 * <p>Allocation and release take constant time whatever the fill level: one bit set marks every port that
 * cannot be handed out (used, reserved or quarantined), so the next free port is a word-wise bit scan, and
 * quarantines end in release order from a queue instead of being looked up port by port. Only when no port
 * is free at all does a host look for one of its own quarantined ports (it may have those back).
 */
final class PortAllocator {

    private record Released(int port, IPv4Address insideHost, long atNanos) {
    }

    private final int min;
    private final int max;
    private final long quarantineNanos;
    private final BitSet used = new BitSet();
    private final BitSet reserved = new BitSet();
    private final BitSet blocked = new BitSet();
    private final Map<Integer, Released> quarantine = new HashMap<>();
    private final ArrayDeque<Released> releaseOrder = new ArrayDeque<>();
    private final Map<IPv4Address, java.util.LinkedHashSet<Integer>> quarantinedBy = new HashMap<>();
    private int inUse;

    PortAllocator(int min, int max, long quarantineNanos) {
        this.min = min;
        this.max = max;
        this.quarantineNanos = quarantineNanos;
    }

    /** Ends a port's quarantine (over, or the port is taken again). */
    private void unquarantine(int port) {
        Released r = quarantine.remove(port);
        if (r != null) {
            java.util.LinkedHashSet<Integer> own = quarantinedBy.get(r.insideHost());
            if (own != null) {
                own.remove(port);
                if (own.isEmpty()) {
                    quarantinedBy.remove(r.insideHost());
                }
            }
        }
        refresh(port);
    }

    private void refresh(int port) {
        blocked.set(port, used.get(port) || reserved.get(port) || quarantine.containsKey(port));
    }

    /** Ends the quarantines that are over, oldest first. */
    private void expire(long nowNanos) {
        while (!releaseOrder.isEmpty() && nowNanos - releaseOrder.peekFirst().atNanos() >= quarantineNanos) {
            Released r = releaseOrder.pollFirst();
            if (quarantine.get(r.port()) == r) {
                unquarantine(r.port());
            }
        }
    }

    /** A port that is free now, from a random start; -1 if none. */
    private int pickFree() {
        int size = max - min + 1;
        int start = min + ThreadLocalRandom.current().nextInt(size);
        int port = blocked.nextClearBit(start);
        if (port > max) {
            port = blocked.nextClearBit(min);
            if (port >= start) {
                return -1;
            }
        }
        return port;
    }

    /**
     * A free port for this inside host, marked used.
     *
     * @return the port, or -1 when none is free
     */
    int allocate(IPv4Address insideHost, long nowNanos) {
        expire(nowNanos);
        int port = pickFree();
        if (port < 0) {
            port = ownQuarantined(insideHost);
            if (port < 0) {
                return -1;
            }
        }
        unquarantine(port);
        used.set(port);
        refresh(port);
        inUse++;
        return port;
    }

    /** One of the host's own quarantined ports (the pool is otherwise full); -1 if it has none. */
    private int ownQuarantined(IPv4Address insideHost) {
        java.util.LinkedHashSet<Integer> own = quarantinedBy.get(insideHost);
        if (own != null) {
            for (int port : own) {
                if (!reserved.get(port)) {
                    return port;
                }
            }
        }
        return -1;
    }

    /** Marks a specific port used (restoring a mapping); false if it is not free. */
    boolean claim(int port) {
        if (port < 0 || used.get(port) || reserved.get(port)) {
            return false;
        }
        unquarantine(port);
        used.set(port);
        refresh(port);
        inUse++;
        return true;
    }

    /** Returns a port; it stays away from other hosts for the quarantine time. */
    void release(int port, IPv4Address insideHost, long nowNanos) {
        if (used.get(port)) {
            used.clear(port);
            inUse--;
            Released r = new Released(port, insideHost, nowNanos);
            unquarantine(port);
            quarantine.put(port, r);
            quarantinedBy.computeIfAbsent(insideHost, h -> new java.util.LinkedHashSet<>()).add(port);
            releaseOrder.addLast(r);
            refresh(port);
        }
    }

    /** Keeps a port from dynamic allocation; false if a mapping holds it now. */
    boolean reserve(int port) {
        if (used.get(port)) {
            return false;
        }
        reserved.set(port);
        refresh(port);
        return true;
    }

    void unreserve(int port) {
        reserved.clear(port);
        refresh(port);
    }

    /**
     * Reserves a free port chosen at random in the range (never one in use, reserved or in quarantine).
     *
     * @return the port, or -1 when none is free
     */
    int reserveFree(long nowNanos) {
        expire(nowNanos);
        int port = pickFree();
        if (port >= 0) {
            reserved.set(port);
            refresh(port);
        }
        return port;
    }

    /** Whether no port of {@code from..to} is in use, reserved or in quarantine. */
    boolean rangeFree(int from, int to, long nowNanos) {
        expire(nowNanos);
        int next = blocked.nextSetBit(from);
        return next < 0 || next > to;
    }

    /** Reserves every port of {@code from..to} (a port block); they must be free ({@link #rangeFree}). */
    void reserveRange(int from, int to) {
        reserved.set(from, to + 1);
        blocked.set(from, to + 1);
    }

    /** Ends the reservation of every port of {@code from..to}. */
    void unreserveRange(int from, int to) {
        reserved.clear(from, to + 1);
        for (int p = from; p <= to; p++) {
            refresh(p);
        }
    }

    boolean isUsed(int port) {
        return used.get(port);
    }

    int inUse() {
        return inUse;
    }

    /** Whether any port could be handed out now (a bit scan: no copy, fine on a refusal's path). */
    boolean anyFree(long nowNanos) {
        expire(nowNanos);
        return blocked.nextClearBit(min) <= max;
    }

    /** Ports released and still in their quarantine (those that are over end first). */
    int quarantined(long nowNanos) {
        expire(nowNanos);
        return quarantine.size();
    }

    /** Ports that could be handed out now or after quarantine: the range less used and reserved ones. */
    int free() {
        int reservedInRange = reserved.get(min, max + 1).cardinality();
        return (max - min + 1) - inUse - reservedInRange;
    }
}
