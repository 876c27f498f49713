package org.natflow.apps.border;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.api.SwitchService;
import org.natflow.controller.packet.Frames;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Knows where inside hosts are: learned from their packets to the gateway, known to the inside network (a
 * fabric), or asked for with ARP from the gateway on every inside segment (three tries, half a second apart).
 * What it knows is a cache, bounded whatever sources inside hosts (spoofed ones among them) use: at most
 * {@link #MAX_HOSTS} hosts, each forgotten ten minutes after it was last learned; a host not known is found with
 * ARP when it is needed.
 */
public final class InsideHosts {

    private final GatewayConfig config;
    private final PacketService packets;
    private final SwitchService switches;
    private final ScheduledExecutorService timer;
    private volatile InsideNetwork network = InsideNetwork.DIRECT;
    /** Most inside hosts whose location is kept. */
    public static final int MAX_HOSTS = 65_536;
    static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private record Learned(HostLocation where, long nanos) {
    }

    private final Map<IPv4Address, Learned> known = new ConcurrentHashMap<>();
    private final Map<IPv4Address, CompletableFuture<HostLocation>> pending = new ConcurrentHashMap<>();

    InsideHosts(GatewayConfig config, PacketService packets, SwitchService switches, ScheduledExecutorService timer) {
        this.config = config;
        this.packets = packets;
        this.switches = switches;
        this.timer = timer;
        timer.scheduleWithFixedDelay(() -> forgetIdle(System.nanoTime()), 60, 60, TimeUnit.SECONDS);
    }

    /** The inside network between the borders and the hosts (a fabric, when there is one). */
    public void setNetwork(InsideNetwork network) {
        this.network = network;
    }

    /** The port to record for an inside host seen on a border port (see {@link InsideNetwork#hostPort}). */
    public OFPort hostPort(Border b, OFPort inPort) {
        return network.hostPort(b, inPort);
    }

    /** Records where an inside host is (past the bound, a host not known yet is not), and completes whoever waits. */
    public void learn(IPv4Address ip, HostLocation where) {
        if (known.size() < MAX_HOSTS || known.containsKey(ip)) {
            known.put(ip, new Learned(where, System.nanoTime()));
        }
        CompletableFuture<HostLocation> f = pending.remove(ip);
        if (f != null) {
            f.complete(where);
        }
    }

    /** Where an inside host is, if it is known now (never asks: fine on the packet-in path). */
    public Optional<HostLocation> known(IPv4Address ip) {
        Learned l = known.get(ip);
        return l == null ? Optional.empty() : Optional.of(l.where());
    }

    /** Where an inside host is on a border: known, or found with ARP from the gateway. */
    public CompletableFuture<HostLocation> locate(Border b, IPv4Address ip) {
        Learned l = known.get(ip);
        if (l != null) {
            return CompletableFuture.completedFuture(l.where());
        }
        return pending.computeIfAbsent(ip, k -> {
            CompletableFuture<HostLocation> f = new CompletableFuture<>();
            ask(b, ip, f, 1);
            return f;
        });
    }

    private void ask(Border b, IPv4Address ip, CompletableFuture<HostLocation> f, int attempt) {
        if (f.isDone()) {
            return;
        }
        Optional<HostLocation> known = network.known(b, ip);
        if (known.isPresent()) {
            learn(ip, known.get());
            return;
        }
        if (attempt > 3) {
            pending.remove(ip, f);
            f.completeExceptionally(new TimeoutException("inside host " + ip + " does not answer ARP"));
            return;
        }
        byte[] request = Frames.arpRequest(config.insideMac(), config.gatewayAddress(), ip);
        timer.schedule(() -> ask(b, ip, f, attempt + 1), 500, TimeUnit.MILLISECONDS);
        if (network.broadcast(b, request)) {
            return;
        }
        List<OFAction> out = new ArrayList<>();
        for (SwitchPort p : switches.get(b.dpid()).map(s -> s.ports()).orElse(List.of())) {
            if (p.up() && !p.isLocal() && !p.ofPort().equals(b.uplink())) {
                out.add(b.factory().actions().output(p.ofPort(), 0));
            }
        }
        if (!out.isEmpty()) {
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, out, request);
        }
    }

    /** Forgets the hosts last learned {@link #IDLE_NANOS} or more before {@code nowNanos}. */
    void forgetIdle(long nowNanos) {
        known.values().removeIf(l -> nowNanos - l.nanos() >= IDLE_NANOS);
    }

    /**
     * A host whose location is kept.
     *
     * @param ip          its address
     * @param where       its MAC and switch port
     * @param learnedAgoMillis how long ago it was last learned
     */
    public record Known(IPv4Address ip, HostLocation where, long learnedAgoMillis) {
    }

    /** At most {@code max} of the hosts whose location is kept now, in no particular order. */
    public List<Known> snapshot(int max) {
        long now = System.nanoTime();
        List<Known> out = new ArrayList<>();
        for (Map.Entry<IPv4Address, Learned> e : known.entrySet()) {
            if (out.size() >= max) {
                break;
            }
            out.add(new Known(e.getKey(), e.getValue().where(), (now - e.getValue().nanos()) / 1_000_000));
        }
        return out;
    }

    /** Hosts whose location is kept now. */
    public int size() {
        return known.size();
    }
}
