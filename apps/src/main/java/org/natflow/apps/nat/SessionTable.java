package org.natflow.apps.nat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The mappings, indexed by inside endpoint, public endpoint and id, with the pool behind them: paired
 * pooling (an inside host keeps one public address), per-host quotas, no port overloading. One lock guards
 * it all, so duplicate first packets of a flow can only ever create one mapping.
 */
public final class SessionTable {

    private final NatConfig config;
    private final Clock clock;
    // The mappings as primitive columns with their three indexes (no object per mapping; docs/benchmarks.md).
    private final SessionStore sessions = new SessionStore();
    private final Map<NatSession.Key, String> reservedBy = new HashMap<>();
    private final Map<IPv4Address, IPv4Address> pairing = new HashMap<>();
    // Inside hosts per pool address, kept with the pairing so neither allocation nor metrics count it.
    private final Map<IPv4Address, Integer> hostsPerAddress = new HashMap<>();
    private final Map<IPv4Address, int[]> perHost = new HashMap<>();
    private final Map<IPv4Address, Map<Protocol, PortAllocator>> allocators = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();
    // Conntrack datapath: one port block per inside host, on its paired address.
    private final Map<IPv4Address, PortBlock> blocks = new HashMap<>();
    private final AtomicLong blockIds = new AtomicLong();

    public SessionTable(NatConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        long quarantine = config.quarantine().toNanos();
        for (IPv4Address a : config.publicAddresses()) {
            Map<Protocol, PortAllocator> m = new EnumMap<>(Protocol.class);
            for (Protocol p : Protocol.values()) {
                m.put(p, new PortAllocator(config.portMin(), config.portMax(), quarantine));
            }
            allocators.put(a, m);
        }
    }

    private static long pack(Protocol protocol, IPv4Address address, int port) {
        return SessionStore.pack(protocol, address, port);
    }

    private static long pack(NatSession.Key k) {
        return pack(k.protocol(), k.address(), k.port());
    }

    /** The configuration the table was made with. */
    public NatConfig config() {
        return config;
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
        Dpid dpid = border.dpid();
        long key = pack(protocol, inside, insidePort);
        NatSession existing = sessions.byInside(key);
        if (existing != null) {
            return new Lookup(existing, false);
        }
        int[] counts = perHost.computeIfAbsent(inside, h -> new int[Protocol.values().length]);
        if (counts[protocol.ordinal()] >= config.portsPerHost()) {
            throw new AllocationException(AllocationException.Reason.QUOTA_EXCEEDED,
                    inside + " holds " + counts[protocol.ordinal()] + " " + protocol.lower() + " mappings (quota)");
        }
        IPv4Address pub = pair(inside, border.addresses());
        int port = allocators.get(pub).get(protocol).allocate(inside, clock.instant().toEpochMilli() * 1_000_000L);
        if (port < 0) {
            throw new AllocationException(AllocationException.Reason.POOL_EXHAUSTED,
                    "no free " + protocol.lower() + " port on " + pub + " (paired with " + inside + ")");
        }
        NatSession s = new NatSession(ids.incrementAndGet(), protocol, inside, insidePort, pub, port,
                clock.millis(), dpid, mac, switchPort);
        sessions.add(s);
        counts[protocol.ordinal()]++;
        return new Lookup(s, true);
    }

    /**
     * The inside host's pool address: kept once chosen while it is among {@code candidates} (the addresses
     * of the border translating the host); otherwise the candidate with fewest hosts.
     */
    private IPv4Address pair(IPv4Address inside, List<IPv4Address> candidates) {
        IPv4Address pub = pairing.get(inside);
        if (pub != null && candidates.contains(pub)) {
            return pub;
        }
        if (pub != null) {
            hostsPerAddress.merge(pub, -1, Integer::sum); // its border changed: it moves to one of the new
        }
        pub = null;
        int fewest = Integer.MAX_VALUE;
        for (IPv4Address a : candidates) {
            int hosts = hostsPerAddress.getOrDefault(a, 0);
            if (hosts < fewest) {
                pub = a;
                fewest = hosts;
            }
        }
        pairing.put(inside, pub);
        hostsPerAddress.merge(pub, 1, Integer::sum);
        return pub;
    }

    /** The pool address an inside host is paired with, if it has been given one. */
    public synchronized Optional<IPv4Address> pairedAddress(IPv4Address inside) {
        return Optional.ofNullable(pairing.get(inside));
    }

    /** Records the pairing of a mapping found on a switch, unless the host is paired already. */
    private void pairRestored(IPv4Address inside, IPv4Address pub) {
        if (pairing.putIfAbsent(inside, pub) == null) {
            hostsPerAddress.merge(pub, 1, Integer::sum);
        }
    }

    /**
     * Takes back a mapping found on a switch (after a controller restart): its port is claimed so it is
     * never handed out again while the flows live. Refused (false) if it collides with a mapping already
     * held, or its address is not in the pool.
     */
    public synchronized boolean restore(NatSession s) {
        Map<Protocol, PortAllocator> byProto = allocators.get(s.publicAddress());
        if (byProto == null || sessions.holdsId(s.id()) || sessions.holdsInside(pack(s.insideKey()))
                || sessions.holdsPublic(pack(s.publicKey())) || !byProto.get(s.protocol()).claim(s.publicPort())) {
            return false;
        }
        sessions.add(s);
        pairRestored(s.insideAddress(), s.publicAddress());
        perHost.computeIfAbsent(s.insideAddress(), h -> new int[Protocol.values().length])[s.protocol().ordinal()]++;
        ids.accumulateAndGet(s.id(), Math::max);
        return true;
    }

    /** Removes a mapping and returns its port to the pool; empty if it was already gone. */
    public synchronized Optional<NatSession> remove(long id) {
        NatSession s = sessions.remove(id);
        if (s == null) {
            return Optional.empty();
        }
        int[] counts = perHost.get(s.insideAddress());
        counts[s.protocol().ordinal()]--;
        allocators.get(s.publicAddress()).get(s.protocol())
                .release(s.publicPort(), s.insideAddress(), clock.instant().toEpochMilli() * 1_000_000L);
        return Optional.of(s);
    }

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

    /**
     * The mappings whose flows are on one switch, in no particular order: one pass over the table, none at
     * all when the switch holds no mapping (reconciling a newly connected switch must not sort millions).
     */
    public synchronized List<NatSession> on(Dpid dpid) {
        return sessions.on(dpid);
    }

    public synchronized int size() {
        return sessions.size();
    }

    /**
     * Who holds a public port now: a live mapping (named, with what to do about it) or the static rule that
     * reserved it (its owner, as given to {@link #reserve}); empty when the port is free to reserve.
     */
    public synchronized Optional<String> holder(Protocol protocol, IPv4Address address, int port) {
        NatSession.Key key = new NatSession.Key(protocol, address, port);
        NatSession s = sessions.byPublic(pack(key));
        if (s != null) {
            return Optional.of("live NAT mapping " + s.id() + " (" + s.protocol().lower() + " " + s.insideAddress()
                    + ":" + s.insidePort() + "); delete it or wait for it to expire");
        }
        if (protocol != Protocol.ICMP) {
            for (PortBlock b : blocks.values()) {
                if (b.address().equals(address) && b.contains(port)) {
                    return Optional.of("port block " + b.first() + "-" + b.last() + " of " + b.inside()
                            + " (conntrack datapath); it is released when the host has been idle");
                }
            }
        }
        return Optional.ofNullable(reservedBy.get(key));
    }

    /**
     * What {@link #block} found or made.
     *
     * @param block     the host's block on the border asked about
     * @param created   whether it was assigned just now
     * @param displaced the block the host held on another border until now (released here), or null
     */
    public record BlockLookup(PortBlock block, boolean created, PortBlock displaced) {
    }

    /**
     * The inside host's port block on this border, assigned if it has none: {@code config.portsPerHost()}
     * consecutive ports, aligned to the block size from the start of the range, free for TCP and for UDP on
     * the host's paired address, then reserved for both. A block the host holds on another border is
     * released first (the host moved) and reported as {@code displaced}.
     *
     * @throws AllocationException when no block is free on the host's address
     */
    public synchronized BlockLookup block(IPv4Address inside, Border border, MacAddress mac, OFPort switchPort)
            throws AllocationException {
        PortBlock existing = blocks.get(inside);
        if (existing != null && existing.dpid().equals(border.dpid())) {
            return new BlockLookup(existing, false, null);
        }
        if (existing != null) {
            releaseBlock(inside);
        }
        IPv4Address pub = pair(inside, border.addresses());
        int size = config.portsPerHost();
        long now = clock.instant().toEpochMilli() * 1_000_000L;
        PortAllocator tcp = allocators.get(pub).get(Protocol.TCP);
        PortAllocator udp = allocators.get(pub).get(Protocol.UDP);
        for (int first = config.portMin(); first + size - 1 <= config.portMax(); first += size) {
            int last = first + size - 1;
            if (tcp.rangeFree(first, last, now) && udp.rangeFree(first, last, now)) {
                tcp.reserveRange(first, last);
                udp.reserveRange(first, last);
                PortBlock b = new PortBlock(blockIds.incrementAndGet(), inside, pub, first, last, border.dpid(), mac,
                        switchPort, clock.millis());
                blocks.put(inside, b);
                return new BlockLookup(b, true, existing);
            }
        }
        throw new AllocationException(AllocationException.Reason.POOL_EXHAUSTED,
                "no free block of " + size + " ports on " + pub + " (paired with " + inside + ")");
    }

    /**
     * Takes back a block read from a switch's flow table (a controller restart): its ports are reserved again
     * for its host.
     *
     * @return false if the host has a block already, the address is not in the pool, or a port is taken
     */
    public synchronized boolean restoreBlock(PortBlock b) {
        Map<Protocol, PortAllocator> byProto = allocators.get(b.address());
        long now = clock.instant().toEpochMilli() * 1_000_000L;
        if (byProto == null || blocks.containsKey(b.inside()) || b.last() > config.portMax()
                || b.first() < config.portMin()
                || !byProto.get(Protocol.TCP).rangeFree(b.first(), b.last(), now)
                || !byProto.get(Protocol.UDP).rangeFree(b.first(), b.last(), now)) {
            return false;
        }
        byProto.get(Protocol.TCP).reserveRange(b.first(), b.last());
        byProto.get(Protocol.UDP).reserveRange(b.first(), b.last());
        blocks.put(b.inside(), b);
        blockIds.accumulateAndGet(b.id(), Math::max);
        pairRestored(b.inside(), b.address());
        return true;
    }

    /** Releases the host's port block, if it has one, returning its ports to the pool. */
    public synchronized Optional<PortBlock> releaseBlock(IPv4Address inside) {
        PortBlock b = blocks.remove(inside);
        if (b != null) {
            allocators.get(b.address()).get(Protocol.TCP).unreserveRange(b.first(), b.last());
            allocators.get(b.address()).get(Protocol.UDP).unreserveRange(b.first(), b.last());
        }
        return Optional.ofNullable(b);
    }

    /** The inside host's port block, if it has one. */
    public synchronized Optional<PortBlock> blockOf(IPv4Address inside) {
        return Optional.ofNullable(blocks.get(inside));
    }

    /** The port block with this id, if it is still assigned. */
    public synchronized Optional<PortBlock> blockById(long id) {
        for (PortBlock b : blocks.values()) {
            if (b.id() == id) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Every assigned port block, oldest first. */
    public synchronized List<PortBlock> blocks() {
        List<PortBlock> out = new ArrayList<>(blocks.values());
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    /**
     * Keeps a public port from dynamic allocation for a static rule (port forward, relay, TURN).
     *
     * @param owner what holds it, for conflict messages ("a port forward", "relay 3", ...)
     * @return who holds it already, if anyone (see {@link #holder}); then nothing was reserved
     */
    public synchronized Optional<String> reserve(Protocol protocol, IPv4Address address, int port, String owner) {
        Optional<String> holder = holder(protocol, address, port);
        if (holder.isEmpty()) {
            allocators.get(address).get(protocol).reserve(port);
            reservedBy.put(new NatSession.Key(protocol, address, port), owner);
        }
        return holder;
    }

    public synchronized void unreserve(Protocol protocol, IPv4Address address, int port) {
        allocators.get(address).get(protocol).unreserve(port);
        reservedBy.remove(new NatSession.Key(protocol, address, port));
    }

    /**
     * Reserves a free public port of the dynamic range, chosen at random, for a rule that did not name one.
     *
     * @return the port, or -1 when none is free
     */
    public synchronized int reserveFree(Protocol protocol, IPv4Address address, String owner) {
        int port = allocators.get(address).get(protocol).reserveFree(clock.instant().toEpochMilli() * 1_000_000L);
        if (port >= 0) {
            reservedBy.put(new NatSession.Key(protocol, address, port), owner);
        }
        return port;
    }

    /** Use of every pool address per protocol. */
    public synchronized List<PoolUsage> usage() {
        List<PoolUsage> out = new ArrayList<>();
        for (IPv4Address a : config.publicAddresses()) {
            for (Protocol p : Protocol.values()) {
                out.add(usage(a, p));
            }
        }
        return out;
    }

    /** Use of one pool address for one protocol (cheap: what a metrics scrape calls per gauge). */
    public synchronized PoolUsage usage(IPv4Address address, Protocol protocol) {
        PortAllocator alloc = allocators.get(address).get(protocol);
        return new PoolUsage(address, protocol, alloc.inUse(), alloc.free(), hostsPerAddress.getOrDefault(address, 0));
    }

    /** Time source of the table (creation times). */
    public Instant now() {
        return clock.instant();
    }
}
