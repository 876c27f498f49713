package org.natflow.services.turn;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.natflow.controller.api.KeyedTokenBuckets;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TURN server (RFC 8656 over UDP; Binding per RFC 8489) on natflow's first public address, reached over
 * the service link. Long-term credentials; Allocate, Refresh, CreatePermission, ChannelBind, Send and Data
 * indications, ChannelData; lifetimes per the RFC (allocations 600 s by default, at most the configured
 * maximum; permissions 300 s; channels 600 s); per-user allocation quota and a per-allocation bandwidth cap.
 * Relayed ports come from the NAT pool (kept from dynamic NAPT) and relaying to inside networks, loopback,
 * link-local, multicast and the gateway's own addresses is refused (403).
 */
public final class TurnServer {

    private static final Logger log = LoggerFactory.getLogger(TurnServer.class);
    private static final long PERMISSION_MILLIS = 300_000;
    private static final long CHANNEL_MILLIS = 600_000;
    private static final long REBIND_SECONDS = 2;
    /** Permissions (and channels) one allocation may hold: what a client needs, not what fills a heap. */
    static final int MAX_PERMISSIONS = 256;
    private final TurnConfig config;
    private final GatewayConfig nat;
    private final ServiceLink link;
    private final PublicPorts ports;
    private final TurnAllocations allocations;
    private final TurnPeers peerSide;
    // Answers to requests without credentials (Binding, the first Allocate) are larger than the requests, so a
    // spoofed source could use them to amplify traffic at a victim: 20 a second per source (as many in a burst),
    // 10 000 sources tracked, 1 000 a second shared beyond.
    private final KeyedTokenBuckets<IPv4Address> unauthenticated = new KeyedTokenBuckets<>(20, 20, 10_000, 1000,
            1000, System.nanoTime());
    private final EventLoopGroup group;
    private final Clock clock;
    private final TurnCredentials credentials;
    private final IPv4Address publicAddress;
    private final LongAdder malformed = new LongAdder();
    private final TurnAnswers answers = new TurnAnswers();
    private final TurnAllocator allocator;
    private volatile Channel server;
    /** The socket of the alternate port (RFC 5780), when behaviour discovery is on. */
    private volatile Channel altServer;
    private final Optional<BehaviourDiscovery> discovery;
    private volatile boolean stopped;

    /** A TURN server on the gateway's first pool address, reached over {@code link}, relayed ports from {@code ports}. */
    public TurnServer(TurnConfig config, GatewayConfig nat, ServiceLink link, PublicPorts ports, EventLoopGroup group,
                      Clock clock) {
        this.config = config;
        this.nat = nat;
        this.link = link;
        this.ports = ports;
        this.group = group;
        this.clock = clock;
        this.credentials = new TurnCredentials(config, clock);
        this.publicAddress = nat.publicAddresses().get(0);
        this.allocations = new TurnAllocations(ports, publicAddress, clock, config.allocationsPerUser(),
                config.maxAllocations());
        this.peerSide = new TurnPeers(nat, config, link, publicAddress, clock, () -> server);
        this.discovery = BehaviourDiscovery.of(nat.publicAddresses(), config.port(), config.alternatePort());
        this.allocator = new TurnAllocator(config, link, allocations, peerSide, publicAddress, clock, answers);
    }

    /** Opens the TURN port on the public address and starts the lifetime timer. */
    public void start() {
        ports.reserve(Protocol.UDP, publicAddress, config.port(), "the TURN server").ifPresent(h -> {
            throw new IllegalStateException("natflow.turn.port: udp " + publicAddress + ":" + config.port()
                    + " is held by " + h);
        });
        link.expose(Protocol.UDP, publicAddress, config.port());
        discovery.ifPresent(d -> d.endpoints().stream().skip(1).forEach(e -> {
            ports.reserve(Protocol.UDP, e.address(), e.port(), "the STUN server (RFC 5780)").ifPresent(h -> {
                throw new IllegalStateException("natflow.turn.alternate-port: udp " + e + " is held by " + h);
            });
            link.expose(Protocol.UDP, e.address(), e.port());
        }));
        bindServer(config.port(), ch -> server = ch);
        discovery.ifPresent(d -> bindServer(d.altPort(), ch -> altServer = ch));
        group.scheduleAtFixedRate(this::expire, 1, 1, TimeUnit.SECONDS);
        // A source idle for a second has a full bucket again: forgetting it changes nothing for it.
        group.scheduleAtFixedRate(() -> unauthenticated.expire(System.nanoTime(), TimeUnit.SECONDS.toNanos(1)), 10,
                10, TimeUnit.SECONDS);
    }

    private void bindServer(int port, java.util.function.Consumer<Channel> bound) {
        if (stopped) {
            return;
        }
        InetSocketAddress at = new InetSocketAddress(link.config().serviceAddress().toString(), port);
        new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(new ChannelInitializer<DatagramChannel>() {
            @Override
            protected void initChannel(DatagramChannel ch) {
                ch.pipeline().addLast(new TurnCodec(malformed), new ClientHandler());
            }
        }).bind(at).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                bound.accept(f.channel());
                log.info("event=turn-listening public={}:{} at={} realm={} rfc5780={}", publicAddress, port, at,
                        config.realm(), discovery.map(d -> d.endpoints().toString()).orElse("off"));
            } else {
                group.schedule(() -> bindServer(port, bound), REBIND_SECONDS, TimeUnit.SECONDS);
            }
        });
    }

    /** Closes every allocation and the TURN port, and stops the event loop it was given (it owns it). */
    public void stop() {
        stopped = true;
        allocations.all().forEach(a -> delete(a, "shutdown"));
        for (Channel s : new Channel[] {server, altServer}) {
            if (s != null) {
                s.close();
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }

    /** Malformed datagrams dropped. */
    public long malformed() {
        return malformed.sum();
    }

    /** Allocations created so far. */
    public long allocationsCreated() {
        return allocator.created();
    }

    /** Requests refused (errors answered). */
    public long refused() {
        return answers.refused();
    }

    /** Number of live allocations (cheap: what a metrics scrape reads). */
    public int allocationCount() {
        return allocations.size();
    }

    /** Live allocations. */
    public List<TurnAllocationView> allocations() {
        return allocations.views(clock.millis());
    }

    /** Deletes an allocation (operator action); false if there is none. */
    public boolean delete(long id) {
        Allocation a = allocations.byId(id);
        if (a == null) {
            return false;
        }
        delete(a, "deleted");
        return true;
    }

    private void delete(Allocation a, String reason) {
        if (!allocations.remove(a)) {
            return;
        }
        a.relay.close();
        link.unexpose(Protocol.UDP, publicAddress, a.relayPort);
        log.info("event=turn-allocation-deleted id={} user={} client={} relayed={}:{} reason={}", a.id, a.username,
                a.client, publicAddress, a.relayPort, reason);
    }

    private void expire() {
        long now = clock.millis();
        allocations.expireKept();
        for (Allocation a : allocations.live()) {
            if (a.expiresAtMillis <= now) {
                delete(a, "expired");
            } else {
                a.expire(now);
            }
        }
    }

    // ---- requests -------------------------------------------------------------------------------------------

    private final class ClientHandler extends SimpleChannelInboundHandler<TurnPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TurnPacket p) {
            Optional<Conversation> c = link.byAlias(Protocol.UDP, p.remote().getPort());
            if (c.isEmpty() || !p.remote().getAddress().getHostAddress().equals(link.config().aliasAddress().toString())) {
                return; // not through the switch's translation
            }
            Endpoint client = c.get().remote();
            if (p.message() instanceof ChannelData cd) {
                channelData(p.remote(), cd);
            } else {
                StunMessage m = (StunMessage) p.message();
                if (m.messageClass() == StunMessage.REQUEST) {
                    if (m.attribute(StunAttribute.MESSAGE_INTEGRITY).isEmpty() && !unauthenticated.take(
                            client.address(), System.nanoTime())) {
                        answers.refusedSilently();
                        return; // answered enough for this source this second: no amplification
                    }
                    request(ctx.channel(), p.remote(), c.get(), m);
                } else if (m.messageClass() == StunMessage.INDICATION && m.method() == StunMessage.SEND) {
                    send(p.remote(), m);
                }
            }
        }
    }

    private StunAttribute realm() {
        return new StunAttribute(StunAttribute.REALM, config.realm().getBytes(StandardCharsets.UTF_8));
    }

    private StunAttribute nonce(Endpoint client) {
        return new StunAttribute(StunAttribute.NONCE, credentials.nonce(client).getBytes(StandardCharsets.UTF_8));
    }

    private void request(Channel ch, InetSocketAddress from, Conversation conversation, StunMessage m) {
        Endpoint client = conversation.remote();
        List<Integer> unknown = m.attributes().stream().map(StunAttribute::type)
                .filter(t -> t < 0x8000 && !StunAttribute.UNDERSTOOD.contains(t)
                        && !(t == BehaviourDiscovery.CHANGE_REQUEST && discovery.isPresent()))
                .distinct().toList();
        if (!unknown.isEmpty()) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(unknown.size() * 2);
            unknown.forEach(t -> b.putShort((short) (int) t));
            answers.error(ch, from, m, 420, "Unknown Attribute", null,
                    new StunAttribute(StunAttribute.UNKNOWN_ATTRIBUTES, b.array()));
            return;
        }
        if (m.method() == StunMessage.BINDING) {
            binding(ch, from, conversation, m);
            return;
        }
        if (!conversation.publicSide().equals(new Endpoint(publicAddress, config.port()))) {
            answers.error(ch, from, m, 400, "Bad Request: TURN is on " + publicAddress + ":" + config.port(), null);
            return;
        }
        if (m.method() != StunMessage.ALLOCATE && m.method() != StunMessage.REFRESH
                && m.method() != StunMessage.CREATE_PERMISSION && m.method() != StunMessage.CHANNEL_BIND) {
            answers.error(ch, from, m, 400, "Bad Request", null);
            return;
        }
        // Long-term credentials (RFC 8489, 9.2.4).
        if (m.attribute(StunAttribute.MESSAGE_INTEGRITY).isEmpty()) {
            answers.error(ch, from, m, 401, "Unauthorized", null, realm(), nonce(client));
            return;
        }
        Optional<String> user = m.text(StunAttribute.USERNAME);
        Optional<String> nonce = m.text(StunAttribute.NONCE);
        if (user.isEmpty() || m.text(StunAttribute.REALM).isEmpty() || nonce.isEmpty()) {
            answers.error(ch, from, m, 400, "Bad Request", null);
            return;
        }
        if (!credentials.nonceValid(nonce.get(), client)) {
            answers.error(ch, from, m, 438, "Stale Nonce", null, realm(), nonce(client));
            return;
        }
        byte[] key = credentials.key(user.get()).orElse(null);
        if (key == null || !m.text(StunAttribute.REALM).get().equals(config.realm()) || !m.integrityValid(key)) {
            answers.error(ch, from, m, 401, "Unauthorized", null, realm(), nonce(client));
            return;
        }
        link.confirm(Protocol.UDP, from.getPort()); // an authenticated client: its conversation is no stranger's
        try {
            switch (m.method()) {
                case StunMessage.ALLOCATE -> allocator.allocate(ch, from, client, m, user.get(), key);
                case StunMessage.REFRESH -> refresh(ch, from, m, key, user.get());
                case StunMessage.CREATE_PERMISSION -> createPermission(ch, from, m, key, user.get());
                default -> channelBind(ch, from, m, key, user.get());
            }
        } catch (StunException e) {
            answers.error(ch, from, m, 400, "Bad Request: " + e.getMessage(), key);
        }
    }


    /**
     * A Binding: the client's reflexive address; with behaviour discovery, also OTHER-ADDRESS and RESPONSE-ORIGIN,
     * and the answer sent from the endpoint CHANGE-REQUEST asks for (over a conversation of the client's with that
     * endpoint, unconfirmed: bounded per source like any first packet's).
     */
    private void binding(Channel ch, InetSocketAddress from, Conversation c, StunMessage m) {
        List<StunAttribute> attrs = new ArrayList<>(List.of(new StunAttribute(StunAttribute.XOR_MAPPED_ADDRESS,
                StunMessage.xorAddress(TurnPeers.socket(c.remote())))));
        BehaviourDiscovery d = discovery.filter(x -> x.serves(c.publicSide())).orElse(null);
        if (d == null) {
            answers.reply(ch, from, m, StunMessage.SUCCESS, attrs, null);
            return;
        }
        Endpoint answering = d.answering(c.publicSide(), m.attribute(BehaviourDiscovery.CHANGE_REQUEST)
                .map(StunAttribute::value).orElse(null));
        if (answering == null) {
            answers.error(ch, from, m, 400, "Bad Request: CHANGE-REQUEST", null);
            return;
        }
        attrs.add(new StunAttribute(BehaviourDiscovery.OTHER_ADDRESS, BehaviourDiscovery.address(d.other(c.publicSide()))));
        attrs.add(new StunAttribute(StunAttribute.RESPONSE_ORIGIN, BehaviourDiscovery.address(answering)));
        if (answering.equals(c.publicSide())) {
            answers.reply(ch, from, m, StunMessage.SUCCESS, attrs, null);
            return;
        }
        StunMessage answer = StunMessage.of(m.method(), StunMessage.SUCCESS, m.transactionId(), attrs);
        link.sibling(c, answering).whenComplete((alias, error) -> {
            Channel out = answering.port() == config.port() ? server : altServer;
            if (error != null || out == null) {
                answers.refusedSilently();
                return;
            }
            out.writeAndFlush(new TurnPacket(new InetSocketAddress(alias.address().toString(), alias.port()), answer,
                    null, m.hasFingerprint()));
        });
    }

    /**
     * The allocation of the request's 5-tuple, if the request's user holds it: 437 if there is none, 441 (Wrong
     * Credentials, RFC 8656 section 5) if another user's.
     */
    private Allocation mine(Channel ch, InetSocketAddress from, StunMessage m, byte[] key, String user) {
        Allocation a = allocations.byClient(from);
        if (a == null) {
            answers.error(ch, from, m, 437, "Allocation Mismatch", key);
        } else if (!a.username.equals(user)) {
            answers.error(ch, from, m, 441, "Wrong Credentials", key);
            return null;
        }
        return a;
    }

    private void refresh(Channel ch, InetSocketAddress from, StunMessage m, byte[] key, String user)
            throws StunException {
        Allocation a = mine(ch, from, m, key, user);
        if (a == null) {
            return;
        }
        long lifetime = TurnAllocator.lifetime(config, m);
        if (lifetime == 0) {
            delete(a, "refresh-zero");
        } else {
            synchronized (a) {
                a.expiresAtMillis = clock.millis() + lifetime * 1000;
            }
        }
        answers.reply(ch, from, m, StunMessage.SUCCESS, List.of(new StunAttribute(StunAttribute.LIFETIME,
                StunMessage.u32(lifetime))), key);
    }

    private void createPermission(Channel ch, InetSocketAddress from, StunMessage m, byte[] key, String user)
            throws StunException {
        Allocation a = mine(ch, from, m, key, user);
        if (a == null) {
            return;
        }
        List<StunAttribute> peers = m.all(StunAttribute.XOR_PEER_ADDRESS);
        if (peers.isEmpty()) {
            answers.error(ch, from, m, 400, "Bad Request: XOR-PEER-ADDRESS missing", key);
            return;
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (StunAttribute p : peers) {
            InetAddress peer = StunMessage.xorAddress(p.value()).getAddress();
            if (peerSide.forbidden(peer)) {
                answers.error(ch, from, m, 403, "Forbidden: " + peer.getHostAddress() + " may not be relayed to", key);
                return;
            }
            addresses.add(peer);
        }
        long until = clock.millis() + PERMISSION_MILLIS;
        synchronized (a) {
            if (addresses.stream().filter(p -> !a.permissions.containsKey(p)).count() + a.permissions.size()
                    > MAX_PERMISSIONS) {
                answers.error(ch, from, m, 508, "Insufficient Capacity: at most " + MAX_PERMISSIONS
                        + " permissions per allocation", key);
                return;
            }
            addresses.forEach(p -> a.permissions.put(p, until));
        }
        answers.reply(ch, from, m, StunMessage.SUCCESS, List.of(), key);
    }

    private void channelBind(Channel ch, InetSocketAddress from, StunMessage m, byte[] key, String user)
            throws StunException {
        Allocation a = mine(ch, from, m, key, user);
        if (a == null) {
            return;
        }
        Optional<StunAttribute> number = m.attribute(StunAttribute.CHANNEL_NUMBER);
        Optional<StunAttribute> peerAttr = m.attribute(StunAttribute.XOR_PEER_ADDRESS);
        if (number.isEmpty() || peerAttr.isEmpty() || number.get().value().length != 4) {
            answers.error(ch, from, m, 400, "Bad Request: CHANNEL-NUMBER and XOR-PEER-ADDRESS required", key);
            return;
        }
        int channel = ((number.get().value()[0] & 0xff) << 8) | (number.get().value()[1] & 0xff);
        InetSocketAddress peer = StunMessage.xorAddress(peerAttr.get().value());
        if (channel < ChannelData.MIN_CHANNEL || channel > ChannelData.MAX_CHANNEL) {
            answers.error(ch, from, m, 400, "Bad Request: channel number outside 0x4000-0x7FFE", key);
            return;
        }
        if (peerSide.forbidden(peer.getAddress())) {
            answers.error(ch, from, m, 403, "Forbidden", key);
            return;
        }
        long now = clock.millis();
        synchronized (a) {
            InetSocketAddress bound = a.channels.get(channel);
            Integer other = a.channelOf.get(peer);
            if ((bound != null && !bound.equals(peer)) || (other != null && other != channel)) {
                answers.error(ch, from, m, 400, "Bad Request: channel or peer already bound otherwise", key);
                return;
            }
            if (bound == null && a.channels.size() >= MAX_PERMISSIONS) {
                answers.error(ch, from, m, 508, "Insufficient Capacity: at most " + MAX_PERMISSIONS
                        + " channels per allocation", key);
                return;
            }
            a.channels.put(channel, peer);
            a.channelOf.put(peer, channel);
            a.channelExpiry.put(channel, now + CHANNEL_MILLIS);
            a.permissions.put(peer.getAddress(), now + PERMISSION_MILLIS);
        }
        answers.reply(ch, from, m, StunMessage.SUCCESS, List.of(), key);
    }

    // ---- data -----------------------------------------------------------------------------------------------

    private void send(InetSocketAddress from, StunMessage m) {
        Allocation a = allocations.byClient(from);
        Optional<StunAttribute> peerAttr = m.attribute(StunAttribute.XOR_PEER_ADDRESS);
        Optional<StunAttribute> data = m.attribute(StunAttribute.DATA);
        if (a == null || peerAttr.isEmpty() || data.isEmpty()) {
            return;
        }
        try {
            peerSide.toPeer(a, StunMessage.xorAddress(peerAttr.get().value()), data.get().value());
        } catch (StunException e) {
            malformed.increment();
        }
    }

    private void channelData(InetSocketAddress from, ChannelData cd) {
        Allocation a = allocations.byClient(from);
        if (a == null) {
            return;
        }
        InetSocketAddress peer;
        synchronized (a) {
            peer = a.channels.get(cd.channel());
        }
        if (peer != null) {
            peerSide.toPeer(a, peer, cd.data());
        }
    }
}
