package org.natflow.apps.service;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.border.PoolBoundPacket;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.TransportPorts;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.TcpSegment;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The endpoints whose first packets open service-link conversations, and which packets those are: public
 * endpoints of natflow's (reached from beyond the uplink, or by inside hosts through the gateway) and ports of
 * the gateway address (inside hosts only, e.g. the proxies and the DNS forwarder), each of the latter with an
 * idle timeout of its own if it asked for one. Reads take no lock (packet-in path).
 */
final class ExposedPorts {

    /** An exposed endpoint. */
    record Exposed(Protocol protocol, IPv4Address address, int port) {
    }

    /**
     * A packet to an exposed endpoint: from {@code remote} to {@code service}, whether an inside host sent it,
     * and whether it may open a conversation if it has none.
     */
    record Arrival(Protocol protocol, Endpoint remote, Endpoint service, boolean fromInside, boolean opens) {
        /** To an exposed endpoint, but from where it is not served: taken, neither answered nor passed on. */
        static final Arrival NOT_SERVED = new Arrival(null, null, null, false, false);
    }

    private final GatewayConfig nat;
    private final Set<Exposed> exposed = ConcurrentHashMap.newKeySet();
    private final Set<Exposed> onGateway = ConcurrentHashMap.newKeySet();
    private final Map<Exposed, Integer> gatewayIdle = new ConcurrentHashMap<>();

    ExposedPorts(GatewayConfig nat) {
        this.nat = nat;
    }

    void expose(Exposed e) {
        exposed.add(e);
    }

    void unexpose(Exposed e) {
        exposed.remove(e);
    }

    /** The public endpoints exposed now. */
    Set<Exposed> exposed() {
        return Set.copyOf(exposed);
    }

    /** A gateway port; {@code idleSeconds} above 0 gives its conversations that idle timeout. */
    Exposed exposeOnGateway(Protocol p, int port, int idleSeconds) {
        Exposed e = new Exposed(p, nat.gatewayAddress(), port);
        if (idleSeconds > 0) {
            gatewayIdle.put(e, idleSeconds);
        }
        onGateway.add(e);
        return e;
    }

    Exposed unexposeOnGateway(Protocol p, int port) {
        Exposed e = new Exposed(p, nat.gatewayAddress(), port);
        onGateway.remove(e);
        return e;
    }

    /** The idle timeout of a conversation with this public side: the gateway port's own, or {@code otherwise}. */
    int idle(Protocol p, Endpoint publicSide, int otherwise) {
        return gatewayIdle.getOrDefault(new Exposed(p, publicSide.address(), publicSide.port()), otherwise);
    }

    /** What a packet on border {@code b} (not from the link) is to the exposed endpoints; null if nothing. */
    Arrival arrival(PacketContext ctx, Border b) {
        if (!onGateway.isEmpty()) {
            Arrival a = toGateway(ctx, b);
            if (a != null) {
                return a;
            }
        }
        PoolBoundPacket packet = PoolBoundPacket.of(ctx, b, nat);
        if (packet == null) {
            return null;
        }
        Ipv4Packet ip = packet.ip();
        TransportPorts ports = packet.ports();
        if (!exposed.contains(new Exposed(ports.protocol(), ip.dst(), ports.dstPort()))) {
            return null;
        }
        if (!packet.servable()) {
            return Arrival.NOT_SERVED;
        }
        return new Arrival(ports.protocol(), new Endpoint(ip.src(), ports.srcPort()),
                new Endpoint(ip.dst(), ports.dstPort()), packet.fromInside(), starts(ports.protocol(), ip));
    }

    /** A packet to an exposed gateway port: served if an inside host sent it through the gateway. */
    private Arrival toGateway(PacketContext ctx, Border b) {
        EthernetFrame frame = ctx.frame();
        Ipv4Packet ip = frame.ipv4();
        if (ip == null || !ip.dst().equals(nat.gatewayAddress()) || ip.fragmentOffset() != 0
                || ctx.inPort().equals(b.uplink())) {
            return null;
        }
        TransportPorts ports = TransportPorts.of(ip);
        if (ports == null || !onGateway.contains(new Exposed(ports.protocol(), ip.dst(), ports.dstPort()))) {
            return null;
        }
        if (!frame.dst().equals(nat.insideMac()) || !nat.isInside(ip.src())) {
            return Arrival.NOT_SERVED; // not from an inside host through the gateway
        }
        return new Arrival(ports.protocol(), new Endpoint(ip.src(), ports.srcPort()),
                new Endpoint(ip.dst(), ports.dstPort()), true, starts(ports.protocol(), ip));
    }

    /**
     * Whether a packet without a conversation may open one: any UDP datagram, but only a SYN for TCP (a late FIN,
     * ACK or RST of a connection whose conversation ended must not open one nobody will ever confirm).
     */
    private static boolean starts(Protocol p, Ipv4Packet ip) {
        return p != Protocol.TCP || ip.transport() instanceof TcpSegment t && t.has(TcpSegment.SYN)
                && !t.has(TcpSegment.ACK);
    }
}
