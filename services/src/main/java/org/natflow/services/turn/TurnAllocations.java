package org.natflow.services.turn;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Where TURN allocations are kept: by id and by client (as the service link presents it), with the relayed
 * ports they hold in {@link PublicPorts} (the NAT pool, kept from dynamic NAPT), the odd ports kept for a later
 * allocation by EVEN-PORT's reservation tokens (RFC 8656 section 14.6), and the clients whose relayed socket
 * is being bound.
 */
final class TurnAllocations {

    /** How relayed ports name their holder in other rules' conflicts. */
    private static final String OWNER = "a TURN allocation";
    private static final long RESERVATION_MILLIS = 30_000;

    /** A port kept for the allocation that presents its token (EVEN-PORT with R). */
    private record Reservation(int port, long expiresAtMillis) {
    }

    private final PublicPorts ports;
    private final IPv4Address address;
    private final Clock clock;
    private final Map<InetSocketAddress, Allocation> byClient = new ConcurrentHashMap<>();
    private final Map<Long, Allocation> byId = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Reservation> reservations = new ConcurrentHashMap<>();
    private final Set<InetSocketAddress> allocating = ConcurrentHashMap.newKeySet();
    private final int perUser;
    private final int total;
    // Allocations counted per user and in all, from the moment an Allocate is accepted (before its socket is
    // bound), so concurrent requests cannot pass a quota together.
    private final Map<String, Integer> claimed = new HashMap<>();
    private int claimedTotal;

    TurnAllocations(PublicPorts ports, IPv4Address address, Clock clock, int perUser, int total) {
        this.ports = ports;
        this.address = address;
        this.clock = clock;
        this.perUser = perUser;
        this.total = total;
    }

    /** Counts an allocation about to be made for a user; why it may not be ("user quota", ...), or null. */
    synchronized String claimQuota(String user) {
        if (claimedTotal >= total) {
            return "the server holds " + total + " allocations";
        }
        int held = claimed.getOrDefault(user, 0);
        if (held >= perUser) {
            return "user " + user + " holds " + held;
        }
        claimed.put(user, held + 1);
        claimedTotal++;
        return null;
    }

    /** Returns a user's claim (its allocation failed or ended). */
    synchronized void releaseQuota(String user) {
        Integer held = claimed.get(user);
        if (held != null) {
            if (held <= 1) {
                claimed.remove(user);
            } else {
                claimed.put(user, held - 1);
            }
            claimedTotal--;
        }
    }

    // ---- allocations --------------------------------------------------------------------------------------------

    /** The allocation of a client, or null. */
    Allocation byClient(InetSocketAddress client) {
        return byClient.get(client);
    }

    /** The allocation with this id, or null. */
    Allocation byId(long id) {
        return byId.get(id);
    }

    /** Every live allocation, by id. */
    List<Allocation> all() {
        List<Allocation> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparingLong(a -> a.id));
        return out;
    }

    /** Live allocations as the API shows them, by id. */
    List<TurnAllocationView> views(long nowMillis) {
        List<TurnAllocationView> out = new ArrayList<>();
        for (Allocation a : all()) {
            synchronized (a) {
                out.add(new TurnAllocationView(a.id, a.username, a.client.toString(), address + ":" + a.relayPort,
                        Math.max(0, (a.expiresAtMillis - nowMillis) / 1000),
                        a.permissions.keySet().stream().map(InetAddress::getHostAddress).sorted().toList(),
                        a.channels.entrySet().stream().map(e -> String.format("0x%04x -> %s:%d", e.getKey(),
                                e.getValue().getAddress().getHostAddress(), e.getValue().getPort())).sorted().toList(),
                        a.bytesToPeers.get(), a.bytesFromPeers.get()));
            }
        }
        return out;
    }

    /** The live allocations, in no order (cheap). */
    Collection<Allocation> live() {
        return byId.values();
    }

    /** Live allocations. */
    int size() {
        return byId.size();
    }

    /** An id for a new allocation. */
    long nextId() {
        return ids.incrementAndGet();
    }

    /** Keeps an allocation; false (nothing kept) if its client has one already. */
    boolean add(Allocation a) {
        if (byClient.putIfAbsent(a.clientAlias, a) != null) {
            return false;
        }
        byId.put(a.id, a);
        return true;
    }

    /** Forgets an allocation and returns its relayed port; false if it was gone already. */
    boolean remove(Allocation a) {
        if (byId.remove(a.id) == null) {
            return false;
        }
        byClient.remove(a.clientAlias, a);
        releasePort(a.relayPort);
        releaseQuota(a.username);
        return true;
    }

    /** Marks a client's Allocate as under way; false if one already is (a retransmission). */
    boolean startAllocating(InetSocketAddress client) {
        return allocating.add(client);
    }

    /** The client's Allocate was answered. */
    void doneAllocating(InetSocketAddress client) {
        allocating.remove(client);
    }

    // ---- relayed ports ------------------------------------------------------------------------------------------

    /** A free relayed port, at random; -1 when none is free. */
    int reservePort() {
        return ports.reserveFree(Protocol.UDP, address, OWNER);
    }

    /** Returns a relayed port to the pool. */
    void releasePort(int port) {
        ports.unreserve(Protocol.UDP, address, port);
    }

    /** An even relayed port, and with {@code andNext} the odd one above it held too; -1 when none is free. */
    int reserveEven(boolean andNext) {
        List<Integer> tried = new ArrayList<>();
        try {
            for (int attempt = 0; attempt < 64; attempt++) {
                int port = reservePort();
                if (port < 0) {
                    return -1;
                }
                tried.add(port);
                if (port % 2 != 0 || port == 65535) {
                    continue;
                }
                if (andNext && ports.reserve(Protocol.UDP, address, port + 1, OWNER).isPresent()) {
                    continue;
                }
                tried.remove(Integer.valueOf(port));
                return port;
            }
            return -1;
        } finally {
            tried.forEach(this::releasePort);
        }
    }

    /** Keeps a held port for a later allocation; returns the token that claims it (for a short while). */
    byte[] keepForLater(int port) {
        long t = ThreadLocalRandom.current().nextLong();
        reservations.put(t, new Reservation(port, clock.millis() + RESERVATION_MILLIS));
        return ByteBuffer.allocate(8).putLong(t).array();
    }

    /** The port a reservation token kept, taken; -1 for an unknown or expired token. */
    int takeKept(byte[] token) {
        Reservation r = token.length == 8 ? reservations.remove(ByteBuffer.wrap(token).getLong()) : null;
        return r == null ? -1 : r.port();
    }

    /** Returns the ports of reservation tokens nobody presented in time. */
    void expireKept() {
        long now = clock.millis();
        reservations.entrySet().removeIf(e -> {
            if (e.getValue().expiresAtMillis() <= now) {
                releasePort(e.getValue().port());
                return true;
            }
            return false;
        });
    }
}
