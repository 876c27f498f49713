package org.natflow.apps.nat;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Public ports of one (public address, protocol): random choice within the range (RFC 6056, algorithm 1:
 * random start, then the next free port), never a port in use, reserved (port forwards, relays) or in
 * quarantine for another inside host. Not thread-safe: the session table serialises access.
 */
final class PortAllocator {

    private record Released(IPv4Address insideHost, long atNanos) {
    }

    private final int min;
    private final int max;
    private final long quarantineNanos;
    private final BitSet used = new BitSet();
    private final BitSet reserved = new BitSet();
    private final Map<Integer, Released> quarantine = new HashMap<>();
    private int inUse;

    PortAllocator(int min, int max, long quarantineNanos) {
        this.min = min;
        this.max = max;
        this.quarantineNanos = quarantineNanos;
    }

    /**
     * A free port for this inside host, marked used.
     *
     * @return the port, or -1 when none is free
     */
    int allocate(IPv4Address insideHost, long nowNanos) {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            if (used.get(port) || reserved.get(port)) {
                continue;
            }
            Released r = quarantine.get(port);
            if (r != null) {
                if (nowNanos - r.atNanos() < quarantineNanos && !r.insideHost().equals(insideHost)) {
                    continue;
                }
                quarantine.remove(port);
            }
            used.set(port);
            inUse++;
            return port;
        }
        return -1;
    }

    /** Marks a specific port used (restoring a mapping); false if it is not free. */
    boolean claim(int port) {
        if (port < 0 || used.get(port) || reserved.get(port)) {
            return false;
        }
        used.set(port);
        quarantine.remove(port);
        inUse++;
        return true;
    }

    /** Returns a port; it stays away from other hosts for the quarantine time. */
    void release(int port, IPv4Address insideHost, long nowNanos) {
        if (used.get(port)) {
            used.clear(port);
            inUse--;
            quarantine.put(port, new Released(insideHost, nowNanos));
        }
    }

    /** Keeps a port from dynamic allocation; false if a mapping holds it now. */
    boolean reserve(int port) {
        if (used.get(port)) {
            return false;
        }
        reserved.set(port);
        return true;
    }

    void unreserve(int port) {
        reserved.clear(port);
    }

    boolean isReserved(int port) {
        return reserved.get(port);
    }

    /**
     * Reserves a free port chosen at random in the range (never one in use, reserved or in quarantine).
     *
     * @return the port, or -1 when none is free
     */
    int reserveFree(long nowNanos) {
        int size = max - min + 1;
        int start = ThreadLocalRandom.current().nextInt(size);
        for (int i = 0; i < size; i++) {
            int port = min + (start + i) % size;
            if (used.get(port) || reserved.get(port)) {
                continue;
            }
            Released r = quarantine.get(port);
            if (r != null && nowNanos - r.atNanos() < quarantineNanos) {
                continue;
            }
            quarantine.remove(port);
            reserved.set(port);
            return port;
        }
        return -1;
    }

    boolean isUsed(int port) {
        return used.get(port);
    }

    int inUse() {
        return inUse;
    }

    /** Ports that could be handed out now or after quarantine: the range less used and reserved ones. */
    int free() {
        int reservedInRange = reserved.get(min, max + 1).cardinality();
        return (max - min + 1) - inUse - reservedInRange;
    }
}
