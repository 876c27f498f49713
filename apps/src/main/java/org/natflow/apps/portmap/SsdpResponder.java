package org.natflow.apps.portmap;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.controller.api.KeyedTokenBuckets;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Answers inside hosts' SSDP searches (M-SEARCH to 239.255.255.250:1900) for natflow's Internet Gateway Device
 * from packet-ins on borders, with unicast answers sent as packet-outs from the gateway address, port 1900. The
 * search is not consumed: other devices on the network still see it. Searches from the uplink are not answered;
 * at most {@code searchesPerHost} a second are answered per inside host (answers are several datagrams each).
 * Nothing here blocks: the answer is built and sent from the packet-in.
 */
public final class SsdpResponder implements PacketListener {

    /** SSDP's multicast group. */
    public static final IPv4Address GROUP = IPv4Address.of("239.255.255.250");

    private final Borders borders;
    private final GatewayConfig gateway;
    private final PacketService packets;
    private final IgdIdentity identity;
    private final long bootId;
    private final KeyedTokenBuckets<IPv4Address> rates;
    /** Searches answered. */
    public final AtomicLong answered = new AtomicLong();
    /** Searches over a host's rate, not answered. */
    public final AtomicLong limited = new AtomicLong();

    /**
     * @param bootId SSDP's BOOTID.UPNP.ORG: it changes when natflow starts (seconds of the start time)
     */
    public SsdpResponder(Borders borders, PacketService packets, IgdIdentity identity, long bootId,
                         int searchesPerHost) {
        this.borders = borders;
        this.gateway = borders.gateway();
        this.packets = packets;
        this.identity = identity;
        this.bootId = bootId;
        this.rates = new KeyedTokenBuckets<>(searchesPerHost, 2.0 * searchesPerHost, 65_536, searchesPerHost,
                2.0 * searchesPerHost, System.nanoTime());
    }

    @Override
    public boolean onPacket(PacketContext ctx) {
        EthernetFrame frame = ctx.frame();
        Ipv4Packet ip = frame.ipv4();
        if (ip == null || ip.isFragment() || !GROUP.equals(ip.dst())
                || !(ip.transport() instanceof UdpDatagram udp) || udp.dstPort() != SsdpMessages.PORT) {
            return false;
        }
        Border b = borders.border(ctx.dpid());
        if (b == null || ctx.inPort().equals(b.uplink()) || !gateway.isInside(ip.src())) {
            return false;
        }
        int at = ip.offset() + ip.headerLength() + 8;
        int length = Math.min(udp.length() - 8, frame.bytes().length - at);
        Optional<SsdpMessages.Search> search = SsdpMessages.parse(frame.bytes(), at, Math.max(0, length));
        if (search.isEmpty()) {
            return false;
        }
        if (!rates.take(ip.src(), System.nanoTime())) {
            limited.incrementAndGet();
            return false;
        }
        List<String> answers = SsdpMessages.answers(search.get(), identity, bootId);
        if (!answers.isEmpty()) {
            answered.incrementAndGet();
        }
        for (String a : answers) {
            byte[] out = Frames.udp(gateway.insideMac(), frame.src(), identity.gateway(), ip.src(), SsdpMessages.PORT,
                    udp.srcPort(), a.getBytes(StandardCharsets.US_ASCII));
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(ctx.inPort(), 0)),
                    out);
        }
        return false; // the search goes on to the rest of the network
    }
}
