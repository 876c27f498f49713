package org.natflow.services.turn;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.natflow.apps.border.ForbiddenTargets;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The peer side of TURN relaying: which peers may be relayed to, datagrams from a client to its peers (out of the
 * allocation's relayed socket, through the service link's translation), and datagrams from peers to a relayed
 * port, delivered to the client (as ChannelData when a channel is bound, else a Data indication) when the client
 * gave the peer a permission. Both directions are capped by the allocation's bandwidth.
 */
final class TurnPeers {

    /** The allocation a relayed socket belongs to. */
    static final AttributeKey<Allocation> ALLOCATION = AttributeKey.valueOf("natflow.turn.allocation");

    private final GatewayConfig nat;
    private final TurnConfig config;
    private final ServiceLink link;
    private final IPv4Address publicAddress;
    private final Clock clock;
    private final Supplier<Channel> server;

    TurnPeers(GatewayConfig nat, TurnConfig config, ServiceLink link, IPv4Address publicAddress, Clock clock,
              Supplier<Channel> server) {
        this.nat = nat;
        this.config = config;
        this.link = link;
        this.publicAddress = publicAddress;
        this.clock = clock;
        this.server = server;
    }

    /**
     * Whether relaying to a peer is refused: never the inside networks, the pool, the gateway, loopback,
     * link-local, multicast, broadcast or "this network"; not the configured denied ranges, the uplink subnet or
     * the upstream gateway either, unless the peer is in an allowed range.
     */
    boolean forbidden(InetAddress peer) {
        if (ForbiddenTargets.always(nat, peer)) {
            return true;
        }
        IPv4Address ip = IPv4Address.of(peer.getAddress());
        if (within(config.allowedPeers(), ip)) {
            return false;
        }
        return within(config.deniedPeers(), ip) || nat.publicNetwork().contains(ip)
                || ip.equals(nat.upstreamGateway());
    }

    private static boolean within(List<IPv4AddressWithMask> ranges, IPv4Address ip) {
        for (IPv4AddressWithMask r : ranges) {
            if (r.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** Sends a client's data to a peer it gave a permission, within the allocation's bandwidth. */
    void toPeer(Allocation a, InetSocketAddress peer, byte[] data) {
        if (!a.permitted(peer.getAddress(), clock.millis()) || !a.toPeers.take(data.length, System.nanoTime())) {
            return;
        }
        Endpoint relayed = new Endpoint(publicAddress, a.relayPort);
        Endpoint remote = new Endpoint(IPv4Address.of(peer.getAddress().getAddress()), peer.getPort());
        link.connect(Protocol.UDP, relayed, remote).thenAccept(alias -> {
            a.bytesToPeers.addAndGet(data.length);
            a.relay.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(data),
                    new InetSocketAddress(alias.address().toString(), alias.port())));
        });
    }

    /** The handler of a relayed socket. */
    ChannelHandler handler() {
        return new PeerHandler();
    }

    /** Datagrams from peers to a relayed port, delivered to the client if it gave the peer a permission. */
    private final class PeerHandler extends SimpleChannelInboundHandler<DatagramPacket> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket d) {
            Allocation a = ctx.channel().attr(ALLOCATION).get();
            Optional<Conversation> c = link.byAlias(Protocol.UDP, d.sender().getPort());
            if (a == null || c.isEmpty()) {
                return;
            }
            InetSocketAddress peer = socket(c.get().remote());
            byte[] data = ByteBufUtil.getBytes(d.content());
            if (!a.permitted(peer.getAddress(), clock.millis()) || !a.fromPeers.take(data.length, System.nanoTime())) {
                return;
            }
            a.bytesFromPeers.addAndGet(data.length);
            Integer channel;
            synchronized (a) {
                channel = a.channelOf.get(peer);
            }
            Channel s = server.get();
            if (s == null) {
                return;
            }
            if (channel != null) {
                s.writeAndFlush(new TurnPacket(a.clientAlias, new ChannelData(channel, data), null, false));
            } else {
                byte[] tid = new byte[12];
                ThreadLocalRandom.current().nextBytes(tid);
                s.writeAndFlush(new TurnPacket(a.clientAlias, StunMessage.of(StunMessage.DATA, StunMessage.INDICATION,
                        tid, List.of(new StunAttribute(StunAttribute.XOR_PEER_ADDRESS, StunMessage.xorAddress(peer)),
                                new StunAttribute(StunAttribute.DATA, data))), null, false));
            }
        }
    }

    /** An endpoint as a socket address. */
    static InetSocketAddress socket(Endpoint e) {
        return new InetSocketAddress(e.address().toString(), e.port());
    }
}
