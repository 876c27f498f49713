package org.natflow.apps.nat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.HostAddress;
import org.natflow.apps.border.HostLocation;
import org.natflow.apps.border.InsideHosts;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.ports.TransportPorts;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.Ipv4Packet;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hairpinning (RFC 4787 REQ-9, RFC 5382 REQ-8): an inside host sending to a public endpoint of this NAT reaches
 * the inside endpoint behind it (a mapping, a port forward's server, a static address's host, or on the
 * conntrack datapath an endpoint the tracker translated), through a flow pair that shows each side the other's
 * public endpoint. Every lookup is in memory: this runs on the packet-in path.
 */
final class Hairpin {

    private static final Logger log = LoggerFactory.getLogger(Hairpin.class);

    /** Where the hairpin's flows and the packet go. */
    record Output(FlowService flows, NatFlows natFlows, PacketService packets) {
    }

    private final NatConfig config;
    private final MappingTable table;
    private final Mappings mappings;
    private final PublicPorts ports;
    private final Borders borders;
    private final InsideHosts hosts;
    private final PortBlocks blocks;
    private final TrackedEndpoints trackedEndpoints;
    private final Output out;
    private final NatMetrics metrics;

    /** {@code trackedEndpoints} is null where the NAT does not track for hairpinning (the controller datapath). */
    Hairpin(NatConfig config, MappingTable table, Mappings mappings, PublicPorts ports, Borders borders,
            PortBlocks blocks, TrackedEndpoints trackedEndpoints, Output out, NatMetrics metrics) {
        this.config = config;
        this.table = table;
        this.mappings = mappings;
        this.ports = ports;
        this.borders = borders;
        this.hosts = borders.hosts();
        this.blocks = blocks;
        this.trackedEndpoints = trackedEndpoints;
        this.out = out;
        this.metrics = metrics;
    }

    /**
     * An inside host sends to a public endpoint of this NAT. If a mapping owns it, or a rule that leads to an
     * inside endpoint (a port forward) reserved it, the sender gets (or keeps) its own mapping and a hairpin
     * flow pair joins the two, so each side sees the other's public endpoint. Anything else to a pool address
     * is dropped, as unsolicited inbound traffic would be.
     */
    void onPacket(Border b, PacketContext ctx, Ipv4Packet ip, OFPort hostPort) {
        TransportPorts tp = TransportPorts.of(ip);
        if (tp == null) {
            metrics.untranslatable.increment();
            return;
        }
        Protocol p = tp.protocol();
        NatSession target = table.byPublic(p, ip.dst(), tp.dstPort())
                .or(() -> ruleTarget(b, p, ip.dst(), tp.dstPort()))
                .or(() -> trackedTarget(b, p, ip.dst(), tp.dstPort()))
                .or(() -> staticTarget(b, p, ip.dst(), tp.dstPort())).orElse(null);
        if (target == null || !target.dpid().equals(b.dpid())) {
            return;
        }
        if (config.filtering() != Filtering.ENDPOINT_INDEPENDENT && target.id() != 0) {
            // Filtering applies to hairpinned traffic too: the target must have sent to our public endpoint.
            NatSession mine = table.byInside(p, ip.src(), tp.srcPort()).orElse(null);
            Remote expected = mine == null ? null : Remote.of(config.filtering(), mine.publicAddress(),
                    mine.publicPort());
            if (expected == null || !mappings.admits(target.id(), expected)) {
                return;
            }
        }
        // On the conntrack datapath the sender may be an endpoint the tracker translated, answering a hairpin
        // that reached it (its reply met the punt before the switch had the pair): it keeps that public
        // endpoint, and the pair goes with the other side's mapping.
        Optional<NatSession> tracked = target.id() != 0 ? trackedSender(b, p, ip.src(), tp.srcPort())
                : Optional.empty();
        NatSession from;
        if (tracked.isPresent()) {
            from = tracked.get();
        } else {
            MappingTable.Lookup l = mappings.lookup(p, ip.src(), tp.srcPort(), b, ctx.frame().src(), hostPort);
            if (l == null) {
                return;
            }
            from = l.session();
            if (l.created()) {
                mappings.install(b, from, Remote.of(config.filtering(), target.publicAddress(), target.publicPort()),
                        CompletableFuture.completedFuture(null), new CompletableFuture<>());
            }
        }
        long owner = from.id() != 0 ? from.id() : target.id();
        byte[] data = ctx.frame().bytes();
        OFPort inPort = ctx.inPort();
        out.flows().apply(b.dpid(), out.natFlows().hairpin(b.factory(), from, target, owner, mappings.initialIdle(p)))
                .thenAccept(r -> {
                    if (r.ok()) {
                        log.info("event=nat-hairpin from={}:{} to={}:{} via={}:{}", from.insideAddress(),
                                from.insidePort(), target.insideAddress(), target.insidePort(),
                                target.publicAddress(), target.publicPort());
                        out.packets().packetOut(b.dpid(), inPort,
                                List.of(b.factory().actions().output(OFPort.TABLE, 0)), data);
                    }
                });
    }

    /**
     * The inside endpoint behind a public port a rule reserved (a port forward), as a mapping-shaped value (id
     * 0), if its host is located: from memory only, never the rule store (this runs on the packet-in path).
     */
    private Optional<NatSession> ruleTarget(Border b, Protocol p, IPv4Address address, int port) {
        Optional<Endpoint> inside = ports.target(p, address, port);
        if (inside.isEmpty()) {
            return Optional.empty();
        }
        HostLocation host = hosts.locate(b, inside.get().address()).getNow(null);
        return host == null ? Optional.empty() : Optional.of(new NatSession(0, p, inside.get().address(),
                inside.get().port(), address, port, 0L, b.dpid(), host.mac(), host.port()));
    }

    /**
     * The inside host behind a static address (1:1 NAT: the same port), or the VPN peer that borrows it (at the
     * VPN link), as a mapping-shaped value (id 0), if the address is in effect and its host located. From memory
     * only (packet-in path).
     */
    private Optional<NatSession> staticTarget(Border b, Protocol p, IPv4Address address, int port) {
        return borders.hostAddresses().byPublic(address).filter(HostAddress::active)
                .flatMap(a -> (a.location() != null ? Optional.of(a.location()) : hosts.known(a.inside()))
                        .map(host -> new NatSession(0, p, a.inside(), port, address, port, 0L, b.dpid(), host.mac(),
                                host.port())));
    }

    /**
     * On the conntrack datapath, the inside endpoint the tracker translated to a public one, as a mapping-shaped
     * value (id 0), if a copy of one of its new connections showed it and its host still holds that port's block
     * on this border. From memory only (packet-in path).
     */
    private Optional<NatSession> trackedTarget(Border b, Protocol p, IPv4Address address, int port) {
        if (trackedEndpoints == null) {
            return Optional.empty();
        }
        return trackedEndpoints.lookup(p, address, port, System.nanoTime()).flatMap(i -> blocks.of(i.address())
                .filter(k -> k.dpid().equals(b.dpid()) && k.address().equals(address) && port >= k.first()
                        && port <= k.last())
                .map(k -> new NatSession(0, p, i.address(), i.port(), address, port, 0L, b.dpid(), k.hostMac(),
                        k.hostPort())));
    }

    /** The public endpoint the tracker gave an inside endpoint, as a mapping-shaped value (id 0), if known. */
    private Optional<NatSession> trackedSender(Border b, Protocol p, IPv4Address inside, int insidePort) {
        if (trackedEndpoints == null) {
            return Optional.empty();
        }
        return trackedEndpoints.publicPort(p, inside, insidePort, System.nanoTime()).flatMap(port -> blocks.of(inside)
                .filter(k -> k.dpid().equals(b.dpid()) && port >= k.first() && port <= k.last())
                .map(k -> new NatSession(0, p, inside, insidePort, k.address(), port, 0L, b.dpid(), k.hostMac(),
                        k.hostPort())));
    }
}
