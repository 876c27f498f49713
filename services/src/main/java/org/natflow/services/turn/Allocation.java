package org.natflow.services.turn;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Endpoint;
import org.natflow.controller.api.TokenBucket;

/**
 * One TURN allocation: its client (as the service link presents it, and as it really is), the relayed port and
 * socket, lifetime, permissions and channel bindings. Guarded by its own monitor.
 */
final class Allocation {

    final long id;
    final String username;
    final InetSocketAddress clientAlias;
    final Endpoint client;
    final int relayPort;
    final Channel relay;
    final byte[] key;
    /** The Allocate that created it and the success answer, resent if the client retransmits it. */
    volatile byte[] createdBy;
    volatile List<StunAttribute> answer;
    final long createdAtMillis;
    long expiresAtMillis;
    final Map<InetAddress, Long> permissions = new HashMap<>();
    final Map<Integer, InetSocketAddress> channels = new HashMap<>();
    final Map<InetSocketAddress, Integer> channelOf = new HashMap<>();
    final Map<Integer, Long> channelExpiry = new HashMap<>();
    final AtomicLong bytesToPeers = new AtomicLong();
    final AtomicLong bytesFromPeers = new AtomicLong();
    final TokenBucket toPeers;
    final TokenBucket fromPeers;

    Allocation(long id, String username, InetSocketAddress clientAlias, Endpoint client, int relayPort, Channel relay,
               byte[] key, long nowMillis, long lifetimeSeconds, long bandwidth) {
        this.id = id;
        this.username = username;
        this.clientAlias = clientAlias;
        this.client = client;
        this.relayPort = relayPort;
        this.relay = relay;
        this.key = key;
        this.createdAtMillis = nowMillis;
        this.expiresAtMillis = nowMillis + lifetimeSeconds * 1000;
        // Bytes per second, one second of burst; zero: no cap.
        this.toPeers = new TokenBucket(bandwidth, bandwidth, System.nanoTime());
        this.fromPeers = new TokenBucket(bandwidth, bandwidth, System.nanoTime());
    }

    synchronized boolean permitted(InetAddress peer, long now) {
        Long until = permissions.get(peer);
        return until != null && until > now;
    }

    /** Drops expired permissions and channel bindings. */
    synchronized void expire(long now) {
        permissions.values().removeIf(until -> until <= now);
        channelExpiry.entrySet().removeIf(e -> {
            if (e.getValue() <= now) {
                InetSocketAddress peer = channels.remove(e.getKey());
                if (peer != null) {
                    channelOf.remove(peer);
                }
                return true;
            }
            return false;
        });
    }
}
