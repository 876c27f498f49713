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
 */
public final class InsideHosts {

    private final GatewayConfig config;
    private final PacketService packets;
    private final SwitchService switches;
    private final ScheduledExecutorService timer;
    private volatile InsideNetwork network = InsideNetwork.DIRECT;
    private final Map<IPv4Address, HostLocation> known = new ConcurrentHashMap<>();
    private final Map<IPv4Address, CompletableFuture<HostLocation>> pending = new ConcurrentHashMap<>();

    InsideHosts(GatewayConfig config, PacketService packets, SwitchService switches, ScheduledExecutorService timer) {
        this.config = config;
        this.packets = packets;
        this.switches = switches;
        this.timer = timer;
    }

    /** The inside network between the borders and the hosts (a fabric, when there is one). */
    public void setNetwork(InsideNetwork network) {
        this.network = network;
    }

    /** The port to record for an inside host seen on a border port (see {@link InsideNetwork#hostPort}). */
    public OFPort hostPort(Border b, OFPort inPort) {
        return network.hostPort(b, inPort);
    }

    /** Records where an inside host is, and completes whoever waits for it. */
    public void learn(IPv4Address ip, HostLocation where) {
        known.put(ip, where);
        CompletableFuture<HostLocation> f = pending.remove(ip);
        if (f != null) {
            f.complete(where);
        }
    }

    /** Where an inside host is, if it is known now (never asks: fine on the packet-in path). */
    public Optional<HostLocation> known(IPv4Address ip) {
        return Optional.ofNullable(known.get(ip));
    }

    /** Where an inside host is on a border: known, or found with ARP from the gateway. */
    public CompletableFuture<HostLocation> locate(Border b, IPv4Address ip) {
        HostLocation where = known.get(ip);
        if (where != null) {
            return CompletableFuture.completedFuture(where);
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
}
