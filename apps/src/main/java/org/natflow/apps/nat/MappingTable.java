package org.natflow.apps.nat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The NAT's live mappings, indexed by inside endpoint, public endpoint and id; their public ports come from
 * {@link PublicPorts} (paired pooling, per-host quotas, no port overloading). One lock guards the table, so
 * duplicate first packets of a flow can only ever create one mapping.
 */
public final class MappingTable {

    private final PublicPorts ports;
    private final Clock clock;
    // The mappings as primitive columns with their three indexes (no object per mapping; docs/benchmarks.md).
    private final SessionStore sessions = new SessionStore();
    private final AtomicLong ids = new AtomicLong();

    /** A table taking its ports from {@code ports}, which it tells how to name the mappings holding them. */
    public MappingTable(PublicPorts ports, Clock clock) {
        this.ports = ports;
        this.clock = clock;
        ports.addDescriber(this::describe);
    }

    private static long pack(Protocol protocol, IPv4Address address, int port) {
        return SessionStore.pack(protocol, address, port);
    }

    /** Result of {@link #getOrCreate}: the mapping and whether this call created it. */
    public record Lookup(NatSession session, boolean created) {
    }

    /**
     * The mapping of an inside endpoint, created if there is none, on an address of the border that
     * translates it (a host keeps its address while that border is its border).
     *
     * @throws AllocationException when the host's quota or the pool is exhausted
     */
    public synchronized Lookup getOrCreate(Protocol protocol, IPv4Address inside, int insidePort, Border border,
                                           MacAddress mac, OFPort switchPort) throws AllocationException {
        NatSession existing = sessions.byInside(pack(protocol, inside, insidePort));
        if (existing != null) {
            return new Lookup(existing, false);
        }
        Endpoint pub = ports.allocate(protocol, inside, border.addresses());
        NatSession s = new NatSession(ids.incrementAndGet(), protocol, inside, insidePort, pub.address(), pub.port(),
                clock.millis(), border.dpid(), mac, switchPort);
        sessions.add(s);
        return new Lookup(s, true);
    }

    /**
     * Takes back a mapping found on a switch (after a controller restart): its port is claimed so it is
     * never handed out again while the flows live. Refused (false) if it collides with a mapping already
     * held, or its address is not in the pool.
     */
    public synchronized boolean restore(NatSession s) {
        if (sessions.holdsId(s.id()) || sessions.holdsInside(pack(s.protocol(), s.insideAddress(), s.insidePort()))
                || sessions.holdsPublic(pack(s.protocol(), s.publicAddress(), s.publicPort()))
                || !ports.claim(s.protocol(), s.insideAddress(), new Endpoint(s.publicAddress(), s.publicPort()))) {
            return false;
        }
        sessions.add(s);
        ids.accumulateAndGet(s.id(), Math::max);
        return true;
    }

    /** Removes a mapping and returns its port to the pool; empty if it was already gone. */
    public synchronized Optional<NatSession> remove(long id) {
        NatSession s = sessions.remove(id);
        if (s == null) {
            return Optional.empty();
        }
        ports.release(s.protocol(), s.insideAddress(), new Endpoint(s.publicAddress(), s.publicPort()));
        return Optional.of(s);
    }

    /** The mapping with this id. */
    public synchronized Optional<NatSession> get(long id) {
        return Optional.ofNullable(sessions.byId(id));
    }

    /** The mapping holding a public endpoint. */
    public synchronized Optional<NatSession> byPublic(Protocol protocol, IPv4Address address, int port) {
        return Optional.ofNullable(sessions.byPublic(pack(protocol, address, port)));
    }

    /** The mapping of an inside endpoint. */
    public synchronized Optional<NatSession> byInside(Protocol protocol, IPv4Address address, int port) {
        return Optional.ofNullable(sessions.byInside(pack(protocol, address, port)));
    }

    /** All mappings, oldest first. */
    public synchronized List<NatSession> all() {
        List<NatSession> out = new ArrayList<>(sessions.size());
        sessions.forEach(out::add);
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    /** Slots a search looks at per hold of the lock: about a millisecond, so set-ups wait no longer. */
    private static final int SEARCH_CHUNK = 32_768;

    /**
     * One page of the mappings a query matches, oldest first, without making the others: the table's lock is held
     * for passes over {@value #SEARCH_CHUNK} slots of its columns at a time (set-ups go on between them) and then
     * for the page's lookups; the sort is done without it. A mapping made or ended during the search may be left
     * out; one that ends before its page is read is.
     */
    public MappingQuery.Page search(MappingQuery query, int offset, int limit) {
        it.unimi.dsi.fastutil.longs.LongArrayList ids = new it.unimi.dsi.fastutil.longs.LongArrayList();
        int next = 0;
        while (next >= 0) {
            synchronized (this) {
                next = sessions.matching(query, next, SEARCH_CHUNK, ids);
            }
        }
        long[] sorted = ids.toLongArray();
        java.util.Arrays.sort(sorted);
        int from = Math.min(Math.max(0, offset), sorted.length);
        int to = (int) Math.min(sorted.length, (long) from + Math.max(0, limit));
        List<NatSession> page = new ArrayList<>(to - from);
        synchronized (this) {
            for (int i = from; i < to; i++) {
                NatSession s = sessions.byId(sorted[i]);
                if (s != null) {
                    page.add(s);
                }
            }
        }
        return new MappingQuery.Page(sorted.length, from, page);
    }

    /**
     * The mappings whose flows are on one switch, in no particular order: one pass over the table, none at
     * all when the switch holds no mapping (reconciling a newly connected switch must not sort millions).
     */
    public synchronized List<NatSession> on(Dpid dpid) {
        return sessions.on(dpid);
    }

    /**
     * Per inside host (at most {@code max}) its newest mapping: which switch and port it is behind, with which
     * MAC (one pass over the table).
     */
    public synchronized List<NatSession> newestPerInside(int max) {
        return sessions.newestPerInside(max);
    }

    /** Live mappings. */
    public synchronized int size() {
        return sessions.size();
    }

    /** Names the mapping holding a public port, for another rule's conflict message. */
    private Optional<String> describe(Protocol protocol, IPv4Address address, int port) {
        return byPublic(protocol, address, port).map(s -> "live NAT mapping " + s.id() + " (" + s.protocol().lower()
                + " " + s.insideAddress() + ":" + s.insidePort() + "); delete it or wait for it to expire");
    }

    /** Time source of the table (creation times). */
    public Instant now() {
        return clock.instant();
    }
}
