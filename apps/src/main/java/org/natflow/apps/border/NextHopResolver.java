package org.natflow.apps.border;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.Frames;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Resolves MAC addresses on the uplink with ARP, as the gateway: requests go out of the uplink from the
 * gateway's public MAC and first pool address, three tries half a second apart.
 */
final class NextHopResolver {

    private static final int TRIES = 3;
    private static final long RETRY_MILLIS = 500;

    private final GatewayConfig config;
    private final PacketService packets;
    private final ScheduledExecutorService timer;
    /** A neighbour on one border's uplink: each border's uplink is its own segment. */
    private record Key(Dpid dpid, IPv4Address ip) {
    }

    private final Map<Key, MacAddress> cache = new ConcurrentHashMap<>();
    private final Map<Key, CompletableFuture<MacAddress>> pending = new ConcurrentHashMap<>();

    NextHopResolver(GatewayConfig config, PacketService packets, ScheduledExecutorService timer) {
        this.config = config;
        this.packets = packets;
        this.timer = timer;
    }

    /** The MAC of an uplink neighbour, from cache or by asking. */
    CompletableFuture<MacAddress> resolve(Border b, IPv4Address ip) {
        Key key = new Key(b.dpid(), ip);
        MacAddress known = cache.get(key);
        if (known != null) {
            return CompletableFuture.completedFuture(known);
        }
        return pending.computeIfAbsent(key, k -> {
            CompletableFuture<MacAddress> future = new CompletableFuture<>();
            ask(b, ip, future, 1);
            return future;
        });
    }

    private void ask(Border b, IPv4Address ip, CompletableFuture<MacAddress> future, int attempt) {
        Dpid dpid = b.dpid();
        if (future.isDone()) {
            return;
        }
        if (attempt > TRIES) {
            pending.remove(new Key(dpid, ip), future);
            future.completeExceptionally(new TimeoutException("no ARP reply from " + ip + " on the uplink"));
            return;
        }
        try {
            packets.packetOut(dpid, OFPort.CONTROLLER, java.util.List.of(b.factory().actions().output(b.uplink(), 0)),
                    Frames.arpRequest(config.outsideMac(), b.uplinkAddress(), ip));
        } catch (RuntimeException e) {
            pending.remove(new Key(dpid, ip), future);
            future.completeExceptionally(e);
            return;
        }
        timer.schedule(() -> ask(b, ip, future, attempt + 1), RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Records a neighbour seen on a border's uplink and completes whoever waits for it. */
    void learn(Dpid dpid, IPv4Address ip, MacAddress mac) {
        Key key = new Key(dpid, ip);
        cache.put(key, mac);
        CompletableFuture<MacAddress> f = pending.remove(key);
        if (f != null) {
            f.complete(mac);
        }
    }

    /** Forgets a border's neighbours (it went away; they may have changed by the time it is back). */
    void clear(Dpid dpid) {
        cache.keySet().removeIf(k -> k.dpid().equals(dpid));
    }
}
