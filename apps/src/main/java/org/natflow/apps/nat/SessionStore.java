package org.natflow.apps.nat;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The live mappings as columns of primitives, indexed by id, inside endpoint and public endpoint; a
 * {@link NatSession} is made on the way out. Not thread-safe: {@link MappingTable} holds its lock.
 *
 * <p>Why not a map of {@code NatSession} objects: millions of long-lived mappings each referenced from old
 * arrays made every new mapping a cross-region pointer the garbage collector's concurrent refinement had to
 * chase (a quarter of natflow's CPU at 100 000 set-ups a second, docs/benchmarks.md). Primitive columns hold
 * no references at all, and cost less heap per mapping.
 */
final class SessionStore {

    private static final Protocol[] PROTOCOLS = Protocol.values();
    private static final int NONE = -1;

    // Indexes: id, packed inside endpoint and packed public endpoint to the mapping's slot.
    private final Long2IntOpenHashMap byId = index();
    private final Long2IntOpenHashMap byInside = index();
    private final Long2IntOpenHashMap byPublic = index();
    // The switches mappings are on, by number (a handful): one int per mapping instead of a reference.
    private final List<Dpid> dpids = new ArrayList<>();
    private final Map<Dpid, Integer> dpidNumbers = new HashMap<>();
    // Live mappings per switch number, so a switch that holds none (a new border, a fabric switch) costs no scan.
    private int[] perSwitch = new int[4];
    private final IntArrayList freeSlots = new IntArrayList();
    private int slots;
    // Columns, one entry per slot.
    private long[] ids = new long[0];
    private long[] created = new long[0];
    private long[] macs = new long[0];
    private int[] insideAddresses = new int[0];
    private int[] publicAddresses = new int[0];
    private int[] ports = new int[0]; // inside port << 16 | public port
    private int[] switchPorts = new int[0];
    private int[] dpidOf = new int[0];
    private byte[] protocols = new byte[0];

    private static Long2IntOpenHashMap index() {
        Long2IntOpenHashMap m = new Long2IntOpenHashMap();
        m.defaultReturnValue(NONE);
        return m;
    }

    /** An endpoint as one long: protocol, address and port. */
    static long pack(Protocol protocol, IPv4Address address, int port) {
        return pack(protocol.ordinal(), address.getInt(), port);
    }

    private static long pack(int protocol, int address, int port) {
        return ((long) protocol << 48) | ((address & 0xffff_ffffL) << 16) | (port & 0xffff);
    }

    int size() {
        return byId.size();
    }

    /** Whether a mapping has this id. */
    boolean holdsId(long id) {
        return byId.containsKey(id);
    }

    /** Whether an inside or public endpoint (packed) is held. */
    boolean holdsInside(long packed) {
        return byInside.containsKey(packed);
    }

    boolean holdsPublic(long packed) {
        return byPublic.containsKey(packed);
    }

    /** The mapping with this id, or null. */
    NatSession byId(long id) {
        return session(byId.get(id));
    }

    /** The mapping of a packed inside endpoint, or null. */
    NatSession byInside(long packed) {
        return session(byInside.get(packed));
    }

    /** The mapping holding a packed public endpoint, or null. */
    NatSession byPublic(long packed) {
        return session(byPublic.get(packed));
    }

    /** Stores a mapping; its id and both endpoints must be free. */
    void add(NatSession s) {
        int slot = freeSlots.isEmpty() ? newSlot() : freeSlots.popInt();
        ids[slot] = s.id();
        created[slot] = s.createdMillis();
        macs[slot] = s.insideMac().getLong();
        insideAddresses[slot] = s.insideAddress().getInt();
        publicAddresses[slot] = s.publicAddress().getInt();
        ports[slot] = (s.insidePort() & 0xffff) << 16 | (s.publicPort() & 0xffff);
        switchPorts[slot] = s.switchPort().getPortNumber();
        int sw = dpidNumbers.computeIfAbsent(s.dpid(), d -> {
            dpids.add(d);
            return dpids.size() - 1;
        });
        if (sw == perSwitch.length) {
            perSwitch = Arrays.copyOf(perSwitch, sw * 2);
        }
        perSwitch[sw]++;
        dpidOf[slot] = sw;
        protocols[slot] = (byte) s.protocol().ordinal();
        byId.put(s.id(), slot);
        byInside.put(pack(s.protocol(), s.insideAddress(), s.insidePort()), slot);
        byPublic.put(pack(s.protocol(), s.publicAddress(), s.publicPort()), slot);
    }

    /** Removes the mapping with this id; returns it, or null if there was none. */
    NatSession remove(long id) {
        int slot = byId.remove(id);
        if (slot == NONE) {
            return null;
        }
        NatSession s = session(slot);
        byInside.remove(pack(protocols[slot], insideAddresses[slot], ports[slot] >>> 16));
        byPublic.remove(pack(protocols[slot], publicAddresses[slot], ports[slot] & 0xffff));
        perSwitch[dpidOf[slot]]--;
        freeSlots.add(slot);
        return s;
    }

    /**
     * Every mapping on one switch, in no particular order: one pass over the table, none at all when the
     * switch holds no mapping (reconciling a newly connected switch must not walk millions).
     */
    List<NatSession> on(Dpid dpid) {
        Integer n = dpidNumbers.get(dpid);
        if (n == null || perSwitch[n] == 0) {
            return List.of();
        }
        int sw = n;
        List<NatSession> out = new ArrayList<>(perSwitch[sw]);
        forEachSlot(slot -> {
            if (dpidOf[slot] == sw) {
                out.add(session(slot));
            }
        });
        return out;
    }

    /**
     * Adds to {@code out} the ids of live mappings in slots {@code from} to {@code from + count} (not past the
     * last) that a query matches: a pass over the columns, no objects. Returns the slot to go on from, or -1 past
     * the last, so that a caller can let others at the table between passes.
     */
    int matching(MappingQuery q, int from, int count, it.unimi.dsi.fastutil.longs.LongArrayList out) {
        int end = (int) Math.min(slots, (long) from + count);
        for (int slot = from; slot < end; slot++) {
            if (q.matches(protocols[slot], insideAddresses[slot], ports[slot] >>> 16, publicAddresses[slot],
                    ports[slot] & 0xffff, created[slot]) && byId.get(ids[slot]) == slot) {
                out.add(ids[slot]);
            }
        }
        return end >= slots ? -1 : end;
    }

    /** Per inside address its newest mapping, for at most {@code max} addresses: where each inside host is. */
    List<NatSession> newestPerInside(int max) {
        it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap newest = new it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap();
        newest.defaultReturnValue(NONE);
        forEachSlot(slot -> {
            int prev = newest.get(insideAddresses[slot]);
            if (prev == NONE ? newest.size() < max : created[slot] > created[prev]) {
                newest.put(insideAddresses[slot], slot);
            }
        });
        List<NatSession> out = new ArrayList<>(newest.size());
        newest.values().forEach((int slot) -> out.add(session(slot)));
        return out;
    }

    /** Every mapping, in no particular order. */
    void forEach(Consumer<NatSession> action) {
        forEachSlot(slot -> action.accept(session(slot)));
    }

    private void forEachSlot(java.util.function.IntConsumer action) {
        it.unimi.dsi.fastutil.ints.IntIterator it = byId.values().iterator();
        while (it.hasNext()) {
            action.accept(it.nextInt());
        }
    }

    private int newSlot() {
        if (slots == ids.length) {
            int n = Math.max(1024, slots + (slots >> 1));
            ids = Arrays.copyOf(ids, n);
            created = Arrays.copyOf(created, n);
            macs = Arrays.copyOf(macs, n);
            insideAddresses = Arrays.copyOf(insideAddresses, n);
            publicAddresses = Arrays.copyOf(publicAddresses, n);
            ports = Arrays.copyOf(ports, n);
            switchPorts = Arrays.copyOf(switchPorts, n);
            dpidOf = Arrays.copyOf(dpidOf, n);
            protocols = Arrays.copyOf(protocols, n);
        }
        return slots++;
    }

    private NatSession session(int slot) {
        if (slot == NONE) {
            return null;
        }
        return new NatSession(ids[slot], PROTOCOLS[protocols[slot]], IPv4Address.of(insideAddresses[slot]),
                ports[slot] >>> 16, IPv4Address.of(publicAddresses[slot]), ports[slot] & 0xffff, created[slot],
                dpids.get(dpidOf[slot]), MacAddress.of(macs[slot]), OFPort.of(switchPorts[slot]));
    }
}
