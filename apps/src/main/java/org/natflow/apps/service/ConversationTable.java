package org.natflow.apps.service;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;

/**
 * The service link's live conversations: by remote and public endpoint (where a first packet finds its
 * conversation), by alias port (where a service and a flow-removed find theirs), the alias ports they hold, the
 * installation of each one's flows, and the unconfirmed ones among them ({@link Unconfirmed}). Lookups take no
 * lock; opening, closing and confirming are serialised on the alias ports. It holds no flows itself: the link
 * deletes a closed conversation's.
 */
final class ConversationTable {

    private record Key(Protocol protocol, Endpoint remote, Endpoint publicSide) {
    }

    private record AliasKey(Protocol protocol, int aliasPort) {
    }

    /**
     * What {@link #open} did: the conversation (new or found), whether it is new, and the unconfirmed one that
     * gave way to it (to close), if any.
     */
    record Opened(Conversation conversation, boolean created, Conversation evicted) {
    }

    private final Map<Key, Conversation> byRemote = new ConcurrentHashMap<>();
    private final Map<AliasKey, Conversation> byAlias = new ConcurrentHashMap<>();
    private final Map<AliasKey, CompletableFuture<Void>> installed = new ConcurrentHashMap<>();
    private final Map<Protocol, AliasPorts> aliasPorts = Map.of(Protocol.TCP, new AliasPorts(),
            Protocol.UDP, new AliasPorts());
    // Guarded by aliasPorts, as the alias ports are.
    private final Unconfirmed unconfirmed;

    /** At most {@code perSource} unconfirmed conversations per remote address, {@code total} in all, each {@code maxAge}. */
    ConversationTable(int perSource, int total, Duration maxAge) {
        this.unconfirmed = new Unconfirmed(perSource, total, maxAge);
    }

    /** The conversation of a remote with a public endpoint, or null. */
    Conversation find(Protocol p, Endpoint remote, Endpoint publicSide) {
        return byRemote.get(new Key(p, remote, publicSide));
    }

    /** The conversation holding an alias port, or null. */
    Conversation byAlias(Protocol p, int aliasPort) {
        return byAlias.get(new AliasKey(p, aliasPort));
    }

    /** Completes once the conversation's flows are in (at once for one that is gone or was never installed). */
    CompletableFuture<Void> installed(Conversation c) {
        return installed.getOrDefault(new AliasKey(c.protocol(), c.aliasPort()), CompletableFuture.completedFuture(null));
    }

    /** Takes out the unconfirmed conversations older than the maximum age, to be closed. */
    List<Conversation> expired(long nowNanos) {
        synchronized (aliasPorts) {
            return unconfirmed.expired(nowNanos);
        }
    }

    /**
     * The conversation of a remote with a public endpoint; if there is none, one made by {@code make} from a free
     * alias port, its flows installed by {@code install}, unconfirmed unless {@code confirmed}.
     *
     * @throws IllegalStateException if the remote has its share of unconfirmed conversations, or no alias port
     *     is free
     */
    Opened open(Protocol p, Endpoint remote, Endpoint publicSide, boolean confirmed, long nowNanos,
                IntFunction<Conversation> make, Function<Conversation, CompletableFuture<Void>> install) {
        Key key = new Key(p, remote, publicSide);
        synchronized (aliasPorts) {
            Conversation existing = byRemote.get(key);
            if (existing != null) {
                return new Opened(existing, false, null);
            }
            Conversation evicted = null;
            if (!confirmed) {
                if (!unconfirmed.admits(remote.address())) {
                    throw new IllegalStateException("too many unconfirmed conversations from " + remote.address());
                }
                evicted = unconfirmed.overflow();
                if (evicted != null) {
                    unconfirmed.remove(evicted);
                }
            }
            int alias = aliasPorts.get(p).allocate();
            if (alias < 0) {
                throw new IllegalStateException("no free alias port");
            }
            Conversation c = make.apply(alias);
            if (!confirmed) {
                unconfirmed.add(c, nowNanos);
            }
            byRemote.put(key, c);
            byAlias.put(new AliasKey(p, alias), c);
            installed.put(new AliasKey(p, alias), install.apply(c));
            return new Opened(c, true, evicted);
        }
    }

    /** Takes a conversation out and frees its alias port; false if it was not in (closed already). */
    boolean remove(Conversation c) {
        AliasKey key = new AliasKey(c.protocol(), c.aliasPort());
        if (!byAlias.remove(key, c)) {
            return false;
        }
        byRemote.remove(new Key(c.protocol(), c.remote(), c.publicSide()));
        installed.remove(key);
        synchronized (aliasPorts) {
            aliasPorts.get(c.protocol()).release(c.aliasPort());
            unconfirmed.remove(c);
        }
        return true;
    }

    /** A service vouched for the conversation holding an alias port: it is no longer unconfirmed. */
    void confirm(Protocol p, int aliasPort) {
        Conversation c = byAlias(p, aliasPort);
        if (c != null) {
            synchronized (aliasPorts) {
                unconfirmed.remove(c);
            }
        }
    }

    /** Conversations no service has vouched for yet. */
    int unconfirmedCount() {
        synchronized (aliasPorts) {
            return unconfirmed.size();
        }
    }

    /** Every live conversation. */
    List<Conversation> all() {
        return List.copyOf(byAlias.values());
    }
}
