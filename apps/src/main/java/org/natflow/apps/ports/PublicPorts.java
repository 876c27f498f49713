package org.natflow.apps.ports;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The one registry of public ports: who holds which pool address and port, for every app. Dynamic holders
 * (NAT mappings, and the proxies' outside connections) take ports one at a time, at random, within their
 * inside host's quota and on the host's paired address (RFC 4787 REQ-2 paired pooling); static rules (port
 * forwards, relays, TURN allocations) reserve named ports or a free one; port blocks (the conntrack
 * datapath's) reserve aligned ranges for both TCP and UDP. A port is never held twice, and a released one
 * waits out its quarantine before another inside host may have it. Beneath it one {@link PortAllocator} per address and protocol does the bit work.
 *
 * <p>One lock guards it all. It calls nothing outside itself while holding it: live dynamic holders are named
 * by their owners' {@link PortDescriber}s after the lock is let go.
 */
public final class PublicPorts {

    /** What a port is held by, as seen under the lock; {@link #DYNAMIC} when a dynamic holder has it. */
    private record Reservation(String owner, Endpoint target) {
    }

    private record Block(int last, IPv4Address inside) {
    }

    private static final Reservation DYNAMIC = new Reservation(null, null);

    private final List<IPv4Address> pool;
    private final int portMin;
    private final int portMax;
    private final int perHost;
    private final Clock clock;
    private final Map<IPv4Address, Map<Protocol, PortAllocator>> allocators = new HashMap<>();
    private final Map<Key, Reservation> reserved = new HashMap<>();
    private final Map<IPv4Address, TreeMap<Integer, Block>> blocks = new HashMap<>();
    // An inside host's pairing and counts live while it holds a port or a block, and then among the last
    // keptEmpty hosts to have held nothing (so a host keeps its address across a pause, or a border change that
    // ended its mappings); state per host is bounded by what the pool lends out plus keptEmpty, whatever sources
    // (spoofed ones among them) the hosts use.
    private final Map<IPv4Address, IPv4Address> pairing = new HashMap<>();
    // Inside hosts per pool address, kept with the pairing so neither allocation nor metrics count it.
    private final Map<IPv4Address, Integer> hostsPerAddress = new HashMap<>();
    // Per inside host: dynamic ports held per protocol, then port blocks held (the last slot).
    private final Map<IPv4Address, int[]> perHostCounts = new HashMap<>();
    private static final int BLOCKS = Protocol.values().length;
    /** Hosts holding nothing whose pairing is kept, by default. */
    public static final int KEPT_EMPTY = 65_536;
    private final int keptEmpty;
    // Hosts holding nothing, the longest empty first.
    private final LinkedHashSet<IPv4Address> empty = new LinkedHashSet<>();
    private final List<PortDescriber> describers = new CopyOnWriteArrayList<>();

    private record Key(Protocol protocol, IPv4Address address, int port) {
    }

    /**
     * A registry of the pool's ports.
     *
     * @param pool       the pool addresses
     * @param portMin    lowest port handed out dynamically, reserved at random or in a block
     * @param portMax    highest such port
     * @param perHost    most dynamic ports one inside host may hold per protocol
     * @param quarantine how long a released port is kept from other inside hosts
     * @param clock      the time quarantines are measured in
     */
    public PublicPorts(List<IPv4Address> pool, int portMin, int portMax, int perHost, Duration quarantine,
                       Clock clock) {
        this(pool, portMin, portMax, perHost, quarantine, clock, KEPT_EMPTY);
    }

    /**
     * A registry of the pool's ports that keeps the pairing of at most {@code keptEmpty} hosts holding nothing
     * (the longest empty forgotten first).
     */
    public PublicPorts(List<IPv4Address> pool, int portMin, int portMax, int perHost, Duration quarantine,
                       Clock clock, int keptEmpty) {
        this.keptEmpty = keptEmpty;
        this.pool = List.copyOf(pool);
        this.portMin = portMin;
        this.portMax = portMax;
        this.perHost = perHost;
        this.clock = clock;
        long q = quarantine.toNanos();
        for (IPv4Address a : pool) {
            Map<Protocol, PortAllocator> m = new EnumMap<>(Protocol.class);
            for (Protocol p : Protocol.values()) {
                m.put(p, new PortAllocator(portMin, portMax, q));
            }
            allocators.put(a, m);
        }
    }

    /** Names live dynamic holders in conflict messages (a NAT mapping: its id and inside endpoint). */
    public void addDescriber(PortDescriber describer) {
        describers.add(describer);
    }

    private long nowNanos() {
        return clock.instant().toEpochMilli() * 1_000_000L;
    }

    private PortAllocator allocator(Protocol p, IPv4Address address) {
        Map<Protocol, PortAllocator> m = allocators.get(address);
        if (m == null) {
            throw new IllegalArgumentException(address + " is not a pool address");
        }
        return m.get(p);
    }

    // ---- paired pooling -----------------------------------------------------------------------------------------

    /**
     * The inside host's pool address: kept once chosen while the host holds a port or a block there and the
     * address is among {@code candidates} (the addresses of the border translating the host); otherwise the
     * candidate with fewest hosts. A host that then takes no port or block is forgotten again.
     */
    public synchronized IPv4Address pair(IPv4Address inside, List<IPv4Address> candidates) {
        IPv4Address pub = pairing.get(inside);
        if (pub != null && candidates.contains(pub)) {
            return pub;
        }
        if (pub != null) {
            if (hostsPerAddress.merge(pub, -1, Integer::sum) <= 0) { // its border changed: it moves to a new one
                hostsPerAddress.remove(pub);
            }
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

    /**
     * The pool address an inside host is paired with: while it holds a port or a block, and for a while after
     * (see {@link #hosts()}).
     */
    public synchronized Optional<IPv4Address> pairedAddress(IPv4Address inside) {
        return Optional.ofNullable(pairing.get(inside));
    }

    /** Records the pairing of a holder found on a switch, unless the host is paired already. */
    private void pairRestored(IPv4Address inside, IPv4Address pub) {
        if (pairing.putIfAbsent(inside, pub) == null) {
            hostsPerAddress.merge(pub, 1, Integer::sum);
        }
    }

    // ---- dynamic ports ------------------------------------------------------------------------------------------

    /**
     * A free port, at random, on the inside host's paired address among {@code candidates}, counted against the
     * host's quota for the protocol.
     *
     * @throws AllocationException when the host's quota or the address's ports are exhausted
     */
    public synchronized Endpoint allocate(Protocol protocol, IPv4Address inside, List<IPv4Address> candidates)
            throws AllocationException {
        int[] counts = counts(inside);
        if (counts[protocol.ordinal()] >= perHost) {
            throw new AllocationException(AllocationException.Reason.QUOTA_EXCEEDED,
                    inside + " holds " + counts[protocol.ordinal()] + " " + protocol.lower() + " mappings (quota)",
                    null, perHost, false);
        }
        IPv4Address pub = pair(inside, candidates);
        int port = allocator(protocol, pub).allocate(inside, nowNanos());
        if (port < 0) {
            forgetIfEmpty(inside);
            throw new AllocationException(AllocationException.Reason.POOL_EXHAUSTED,
                    "no free " + protocol.lower() + " port on " + pub + " (paired with " + inside + ")", pub, 0,
                    noneFree(protocol, candidates));
        }
        counts[protocol.ordinal()]++;
        return new Endpoint(pub, port);
    }

    /**
     * Whether none of the addresses has a port of the protocol to hand out now. Asked on every refused first
     * packet of a pool that is full, so it scans bits and copies nothing ({@code free()} copies the reserved set).
     */
    private boolean noneFree(Protocol protocol, List<IPv4Address> addresses) {
        long now = nowNanos();
        for (IPv4Address a : addresses) {
            if (allocator(protocol, a).anyFree(now)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes back a dynamic port found on a switch (after a controller restart) for its inside host: false if the
     * address is not in the pool or the port is held.
     */
    public synchronized boolean claim(Protocol protocol, IPv4Address inside, Endpoint pub) {
        Map<Protocol, PortAllocator> byProto = allocators.get(pub.address());
        if (byProto == null || !byProto.get(protocol).claim(pub.port())) {
            return false;
        }
        pairRestored(inside, pub.address());
        counts(inside)[protocol.ordinal()]++;
        return true;
    }

    /** Returns a dynamic port; it stays away from other inside hosts for the quarantine time. */
    public synchronized void release(Protocol protocol, IPv4Address inside, Endpoint pub) {
        int[] counts = perHostCounts.get(inside);
        if (counts != null) {
            counts[protocol.ordinal()]--;
        }
        allocator(protocol, pub.address()).release(pub.port(), inside, nowNanos());
        forgetIfEmpty(inside);
    }

    /** The host's counts, for it to take a port or a block: it is no longer among the empty. */
    private int[] counts(IPv4Address inside) {
        empty.remove(inside);
        return perHostCounts.computeIfAbsent(inside, h -> new int[BLOCKS + 1]);
    }

    /**
     * An inside host that holds nothing joins the empty ones; past {@code keptEmpty} of them, the longest empty
     * is forgotten: its pairing and counts go (it pairs afresh next time).
     */
    private void forgetIfEmpty(IPv4Address inside) {
        int[] counts = perHostCounts.get(inside);
        if (counts != null) {
            for (int c : counts) {
                if (c > 0) {
                    return;
                }
            }
        }
        if (!pairing.containsKey(inside)) {
            perHostCounts.remove(inside); // never paired (a block asked for and refused): nothing to keep
            return;
        }
        empty.remove(inside);
        empty.add(inside);
        while (empty.size() > keptEmpty) {
            IPv4Address oldest = empty.iterator().next();
            empty.remove(oldest);
            perHostCounts.remove(oldest);
            IPv4Address pub = pairing.remove(oldest);
            if (pub != null && hostsPerAddress.merge(pub, -1, Integer::sum) <= 0) {
                hostsPerAddress.remove(pub);
            }
        }
    }

    /**
     * Inside hosts with a pairing: those holding a port or a block, and the last {@code keptEmpty} (65 536 by
     * default) to have held nothing.
     */
    public synchronized int hosts() {
        return pairing.size();
    }

    // ---- reservations (static rules) ------------------------------------------------------------------------------

    /**
     * Keeps a public port from dynamic allocation for a static rule (port forward, relay, TURN).
     *
     * @param owner what holds it, for conflict messages ("a port forward", "relay 3", ...)
     * @return who holds it already, if anyone (see {@link #holder}); then nothing was reserved
     */
    public Optional<String> reserve(Protocol protocol, IPv4Address address, int port, String owner) {
        return reserve(protocol, address, port, owner, null);
    }

    /**
     * Reserves a port for a rule that leads to an inside endpoint (a port forward), so that inside hosts sending
     * to the public port (hairpinning) can be looped back to {@code target}.
     */
    public Optional<String> reserve(Protocol protocol, IPv4Address address, int port, String owner,
                                    Endpoint target) {
        Reservation held;
        synchronized (this) {
            held = heldBy(protocol, address, port);
            if (held == null) {
                allocator(protocol, address).reserve(port);
                reserved.put(new Key(protocol, address, port), new Reservation(owner, target));
                return Optional.empty();
            }
        }
        return Optional.of(describe(held, protocol, address, port));
    }

    /** Ends a reservation. */
    public synchronized void unreserve(Protocol protocol, IPv4Address address, int port) {
        allocator(protocol, address).unreserve(port);
        reserved.remove(new Key(protocol, address, port));
    }

    /**
     * Reserves a free port of the dynamic range, chosen at random, for a rule that did not name one.
     *
     * @return the port, or -1 when none is free
     */
    public synchronized int reserveFree(Protocol protocol, IPv4Address address, String owner) {
        int port = allocator(protocol, address).reserveFree(nowNanos());
        if (port >= 0) {
            reserved.put(new Key(protocol, address, port), new Reservation(owner, null));
        }
        return port;
    }

    /** The inside endpoint a reserved public port leads to (a port forward's server), if any. */
    public synchronized Optional<Endpoint> target(Protocol protocol, IPv4Address address, int port) {
        Reservation r = reserved.get(new Key(protocol, address, port));
        return r == null ? Optional.empty() : Optional.ofNullable(r.target());
    }

    // ---- port blocks ---------------------------------------------------------------------------------------------

    /**
     * Reserves, for TCP and UDP alike, a block for an inside host: the first aligned range of {@code size}
     * ports from the start of the dynamic range that is wholly free on {@code address}.
     *
     * @return the block's first port, or -1 when no block is free
     */
    public synchronized int reserveBlock(IPv4Address inside, IPv4Address address, int size) {
        long now = nowNanos();
        PortAllocator tcp = allocator(Protocol.TCP, address);
        PortAllocator udp = allocator(Protocol.UDP, address);
        for (int first = portMin; first + size - 1 <= portMax; first += size) {
            int last = first + size - 1;
            if (tcp.rangeFree(first, last, now) && udp.rangeFree(first, last, now)) {
                holdBlock(inside, address, first, last);
                return first;
            }
        }
        forgetIfEmpty(inside);
        return -1;
    }

    /**
     * Takes back a block found on a switch (a controller restart) for its inside host.
     *
     * @return false if the address is not in the pool, the block leaves the dynamic range, or a port is held
     */
    public synchronized boolean claimBlock(IPv4Address inside, IPv4Address address, int first, int last) {
        Map<Protocol, PortAllocator> byProto = allocators.get(address);
        long now = nowNanos();
        if (byProto == null || last > portMax || first < portMin
                || !byProto.get(Protocol.TCP).rangeFree(first, last, now)
                || !byProto.get(Protocol.UDP).rangeFree(first, last, now)) {
            return false;
        }
        holdBlock(inside, address, first, last);
        return true;
    }

    private void holdBlock(IPv4Address inside, IPv4Address address, int first, int last) {
        allocator(Protocol.TCP, address).reserveRange(first, last);
        allocator(Protocol.UDP, address).reserveRange(first, last);
        blocks.computeIfAbsent(address, a -> new TreeMap<>()).put(first, new Block(last, inside));
        pairRestored(inside, address);
        counts(inside)[BLOCKS]++;
    }

    /** Ends a block's reservation, for TCP and UDP. */
    public synchronized void releaseBlock(IPv4Address address, int first, int last) {
        allocator(Protocol.TCP, address).unreserveRange(first, last);
        allocator(Protocol.UDP, address).unreserveRange(first, last);
        TreeMap<Integer, Block> b = blocks.get(address);
        Block gone = b == null ? null : b.remove(first);
        if (gone != null) {
            int[] counts = perHostCounts.get(gone.inside());
            if (counts != null) {
                counts[BLOCKS]--;
            }
            forgetIfEmpty(gone.inside());
        }
    }

    // ---- who holds what ----------------------------------------------------------------------------------------

    /**
     * Who holds a public port now: a live dynamic holder (named by its describer, with what to do about it), a
     * port block, or the static rule that reserved it; empty when the port is free to reserve.
     */
    public Optional<String> holder(Protocol protocol, IPv4Address address, int port) {
        Reservation held;
        synchronized (this) {
            held = heldBy(protocol, address, port);
        }
        return held == null ? Optional.empty() : Optional.of(describe(held, protocol, address, port));
    }

    private Reservation heldBy(Protocol protocol, IPv4Address address, int port) {
        PortAllocator alloc = allocator(protocol, address);
        if (alloc.isUsed(port)) {
            return DYNAMIC;
        }
        if (protocol != Protocol.ICMP) {
            TreeMap<Integer, Block> b = blocks.get(address);
            Map.Entry<Integer, Block> e = b == null ? null : b.floorEntry(port);
            if (e != null && port <= e.getValue().last()) {
                return new Reservation("port block " + e.getKey() + "-" + e.getValue().last() + " of "
                        + e.getValue().inside() + " (conntrack datapath); it is released when the host has been idle",
                        null);
            }
        }
        return reserved.get(new Key(protocol, address, port));
    }

    private String describe(Reservation held, Protocol protocol, IPv4Address address, int port) {
        if (held != DYNAMIC) {
            return held.owner();
        }
        for (PortDescriber d : describers) {
            Optional<String> name = d.describe(protocol, address, port);
            if (name.isPresent()) {
                return name.get();
            }
        }
        return "a dynamic " + protocol.lower() + " mapping";
    }

    // ---- use -----------------------------------------------------------------------------------------------------

    /** The pool addresses, in order. */
    public List<IPv4Address> pool() {
        return pool;
    }

    /** Use of every pool address per protocol. */
    public synchronized List<PoolUsage> usage() {
        List<PoolUsage> out = new ArrayList<>();
        for (IPv4Address a : pool) {
            for (Protocol p : Protocol.values()) {
                out.add(usage(a, p));
            }
        }
        return out;
    }

    /** Use of one pool address for one protocol (cheap: what a metrics scrape calls per gauge). */
    public synchronized PoolUsage usage(IPv4Address address, Protocol protocol) {
        PortAllocator alloc = allocator(protocol, address);
        return new PoolUsage(address, protocol, alloc.inUse(), alloc.free(), hostsPerAddress.getOrDefault(address, 0),
                alloc.quarantined(nowNanos()));
    }
}
