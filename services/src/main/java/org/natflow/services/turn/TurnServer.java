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
    private static final String SOFTWARE = "natflow";
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
    private final LongAdder created = new LongAdder();
    private final LongAdder refused = new LongAdder();
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
        return created.sum();
    }

    /** Requests refused (errors answered). */
    public long refused() {
        return refused.sum();
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
                        refused.increment();
                        return; // answered enough for this source this second: no amplification
                    }
                    request(ctx.channel(), p.remote(), c.get(), m);
                } else if (m.messageClass() == StunMessage.INDICATION && m.method() == StunMessage.SEND) {
                    send(p.remote(), m);
                }
            }
        }
    }

    private void reply(Channel ch, InetSocketAddress to, StunMessage request, int cls, List<StunAttribute> attrs,
                       byte[] key) {
        List<StunAttribute> all = new ArrayList<>(attrs);
        if (key != null) {
            // Not on unauthenticated answers: every byte there is amplification for a spoofed source.
            all.add(new StunAttribute(StunAttribute.SOFTWARE, SOFTWARE.getBytes(StandardCharsets.UTF_8)));
        }
        ch.writeAndFlush(new TurnPacket(to, StunMessage.of(request.method(), cls, request.transactionId(), all), key,
                request.hasFingerprint()));
    }

    private void error(Channel ch, InetSocketAddress to, StunMessage request, int code, String reason, byte[] key,
                       StunAttribute... extra) {
        refused.increment();
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new StunAttribute(StunAttribute.ERROR_CODE, StunMessage.errorCode(code, reason)));
        attrs.addAll(List.of(extra));
        reply(ch, to, request, StunMessage.ERROR, attrs, key);
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
            error(ch, from, m, 420, "Unknown Attribute", null,
                    new StunAttribute(StunAttribute.UNKNOWN_ATTRIBUTES, b.array()));
            return;
        }
        if (m.method() == StunMessage.BINDING) {
            binding(ch, from, conversation, m);
            return;
        }
        if (!conversation.publicSide().equals(new Endpoint(publicAddress, config.port()))) {
            error(ch, from, m, 400, "Bad Request: TURN is on " + publicAddress + ":" + config.port(), null);
            return;
        }
        if (m.method() != StunMessage.ALLOCATE && m.method() != StunMessage.REFRESH
                && m.method() != StunMessage.CREATE_PERMISSION && m.method() != StunMessage.CHANNEL_BIND) {
            error(ch, from, m, 400, "Bad Request", null);
            return;
        }
        // Long-term credentials (RFC 8489, 9.2.4).
        if (m.attribute(StunAttribute.MESSAGE_INTEGRITY).isEmpty()) {
            error(ch, from, m, 401, "Unauthorized", null, realm(), nonce(client));
            return;
        }
        Optional<String> user = m.text(StunAttribute.USERNAME);
        Optional<String> nonce = m.text(StunAttribute.NONCE);
        if (user.isEmpty() || m.text(StunAttribute.REALM).isEmpty() || nonce.isEmpty()) {
            error(ch, from, m, 400, "Bad Request", null);
            return;
        }
        if (!credentials.nonceValid(nonce.get(), client)) {
            error(ch, from, m, 438, "Stale Nonce", null, realm(), nonce(client));
            return;
        }
        byte[] key = credentials.key(user.get()).orElse(null);
        if (key == null || !m.text(StunAttribute.REALM).get().equals(config.realm()) || !m.integrityValid(key)) {
            error(ch, from, m, 401, "Unauthorized", null, realm(), nonce(client));
            return;
        }
        link.confirm(Protocol.UDP, from.getPort()); // an authenticated client: its conversation is no stranger's
        try {
            switch (m.method()) {
                case StunMessage.ALLOCATE -> allocate(ch, from, client, m, user.get(), key);
                case StunMessage.REFRESH -> refresh(ch, from, m, key, user.get());
                case StunMessage.CREATE_PERMISSION -> createPermission(ch, from, m, key, user.get());
                default -> channelBind(ch, from, m, key, user.get());
            }
        } catch (StunException e) {
            error(ch, from, m, 400, "Bad Request: " + e.getMessage(), key);
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
            reply(ch, from, m, StunMessage.SUCCESS, attrs, null);
            return;
        }
        Endpoint answering = d.answering(c.publicSide(), m.attribute(BehaviourDiscovery.CHANGE_REQUEST)
                .map(StunAttribute::value).orElse(null));
        if (answering == null) {
            error(ch, from, m, 400, "Bad Request: CHANGE-REQUEST", null);
            return;
        }
        attrs.add(new StunAttribute(BehaviourDiscovery.OTHER_ADDRESS, BehaviourDiscovery.address(d.other(c.publicSide()))));
        attrs.add(new StunAttribute(StunAttribute.RESPONSE_ORIGIN, BehaviourDiscovery.address(answering)));
        if (answering.equals(c.publicSide())) {
            reply(ch, from, m, StunMessage.SUCCESS, attrs, null);
            return;
        }
        StunMessage answer = StunMessage.of(m.method(), StunMessage.SUCCESS, m.transactionId(), attrs);
        link.sibling(c, answering).whenComplete((alias, error) -> {
            Channel out = answering.port() == config.port() ? server : altServer;
            if (error != null || out == null) {
                refused.increment();
                return;
            }
            out.writeAndFlush(new TurnPacket(new InetSocketAddress(alias.address().toString(), alias.port()), answer,
                    null, m.hasFingerprint()));
        });
    }

    private long lifetime(StunMessage m) throws StunException {
        Optional<StunAttribute> l = m.attribute(StunAttribute.LIFETIME);
        long asked = l.isPresent() ? StunMessage.u32(l.get().value()) : config.defaultLifetime();
        if (asked == 0) {
            return 0;
        }
        return Math.max(config.defaultLifetime(), Math.min(asked, config.maxLifetime()));
    }

    private void allocate(Channel ch, InetSocketAddress from, Endpoint client, StunMessage m, String user, byte[] key)
            throws StunException {
        Allocation existing = allocations.byClient(from);
        if (existing != null) {
            if (!existing.username.equals(user)) {
                error(ch, from, m, 441, "Wrong Credentials", key);
            } else if (existing.answer != null && java.util.Arrays.equals(existing.createdBy, m.transactionId())) {
                reply(ch, from, m, StunMessage.SUCCESS, existing.answer, key); // a retransmission (RFC 8656, 7.2)
            } else {
                error(ch, from, m, 437, "Allocation Mismatch", key);
            }
            return;
        }
        Optional<StunAttribute> transport = m.attribute(StunAttribute.REQUESTED_TRANSPORT);
        if (transport.isEmpty() || transport.get().value().length != 4) {
            error(ch, from, m, 400, "Bad Request: REQUESTED-TRANSPORT missing", key);
            return;
        }
        if ((transport.get().value()[0] & 0xff) != 17) {
            error(ch, from, m, 442, "Unsupported Transport Protocol", key);
            return;
        }
        Optional<StunAttribute> family = m.attribute(StunAttribute.REQUESTED_ADDRESS_FAMILY);
        if (family.isPresent() && (family.get().value().length < 1 || family.get().value()[0] != 1)) {
            error(ch, from, m, 440, "Address Family not Supported", key);
            return;
        }
        Optional<StunAttribute> even = m.attribute(StunAttribute.EVEN_PORT);
        Optional<StunAttribute> token = m.attribute(StunAttribute.RESERVATION_TOKEN);
        if (even.isPresent() && token.isPresent()) {
            error(ch, from, m, 400, "Bad Request: EVEN-PORT with RESERVATION-TOKEN", key);
            return;
        }
        long lifetime = lifetime(m);
        if (lifetime == 0) {
            lifetime = config.defaultLifetime();
        }
        if (!allocations.startAllocating(from)) {
            return; // a retransmission while its relayed socket is being bound: the first one will be answered
        }
        // Counted before the socket is bound, so a burst of Allocates cannot pass the quota together.
        String over = allocations.claimQuota(user);
        if (over != null) {
            allocations.doneAllocating(from);
            error(ch, from, m, 486, "Allocation Quota Reached: " + over, key);
            return;
        }
        int port;
        byte[] newToken = null;
        if (token.isPresent()) {
            port = allocations.takeKept(token.get().value());
            if (port < 0) {
                allocations.doneAllocating(from);
                allocations.releaseQuota(user);
                error(ch, from, m, 508, "Insufficient Capacity: unknown or expired reservation token", key);
                return;
            }
        } else {
            boolean reserveNext = even.isPresent() && even.get().value().length >= 1
                    && (even.get().value()[0] & 0x80) != 0;
            port = even.isPresent() ? allocations.reserveEven(reserveNext) : allocations.reservePort();
            if (port >= 0 && reserveNext) {
                newToken = allocations.keepForLater(port + 1);
            }
        }
        if (port < 0) {
            allocations.doneAllocating(from);
            allocations.releaseQuota(user);
            error(ch, from, m, 508, "Insufficient Capacity", key);
            return;
        }
        // Bound on this event loop, so the socket is there before the client can use the answer.
        int relayPort = port;
        long granted = lifetime;
        byte[] reservation = newToken;
        new Bootstrap().group(ch.eventLoop()).channel(NioDatagramChannel.class).handler(peerSide.handler())
                .bind(new InetSocketAddress(link.config().serviceAddress().toString(), port))
                .addListener((ChannelFuture bound) -> {
                    allocations.doneAllocating(from);
                    if (!bound.isSuccess()) {
                        allocations.releasePort(relayPort);
                        allocations.releaseQuota(user);
                        error(ch, from, m, 508, "Insufficient Capacity", key);
                        return;
                    }
                    allocated(ch, from, client, m, user, key, relayPort, granted, reservation, bound.channel());
                });
    }

    private void allocated(Channel ch, InetSocketAddress from, Endpoint client, StunMessage m, String user,
                           byte[] key, int port, long lifetime, byte[] newToken, Channel relay) {
        Allocation a = new Allocation(allocations.nextId(), user, from, client, port, relay, key,
                clock.millis(), lifetime, config.bandwidth());
        relay.attr(TurnPeers.ALLOCATION).set(a);
        if (!allocations.add(a)) {
            relay.close();
            allocations.releasePort(port);
            allocations.releaseQuota(user);
            error(ch, from, m, 437, "Allocation Mismatch", key);
            return;
        }
        link.expose(Protocol.UDP, publicAddress, port);
        created.increment();
        log.info("event=turn-allocation-created id={} user={} client={} relayed={}:{} lifetime={}", a.id, user,
                client, publicAddress, port, lifetime);
        List<StunAttribute> attrs = new ArrayList<>(List.of(
                new StunAttribute(StunAttribute.XOR_RELAYED_ADDRESS, StunMessage.xorAddress(
                        new InetSocketAddress(publicAddress.toString(), port))),
                new StunAttribute(StunAttribute.LIFETIME, StunMessage.u32(lifetime)),
                new StunAttribute(StunAttribute.XOR_MAPPED_ADDRESS, StunMessage.xorAddress(TurnPeers.socket(client)))));
        if (newToken != null) {
            attrs.add(new StunAttribute(StunAttribute.RESERVATION_TOKEN, newToken));
        }
        a.createdBy = m.transactionId();
        a.answer = List.copyOf(attrs);
        reply(ch, from, m, StunMessage.SUCCESS, attrs, key);
    }

    /**
     * The allocation of the request's 5-tuple, if the request's user holds it: 437 if there is none, 441 (Wrong
     * Credentials, RFC 8656 section 5) if another user's.
     */
    private Allocation mine(Channel ch, InetSocketAddress from, StunMessage m, byte[] key, String user) {
        Allocation a = allocations.byClient(from);
        if (a == null) {
            error(ch, from, m, 437, "Allocation Mismatch", key);
        } else if (!a.username.equals(user)) {
            error(ch, from, m, 441, "Wrong Credentials", key);
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
        long lifetime = lifetime(m);
        if (lifetime == 0) {
            delete(a, "refresh-zero");
        } else {
            synchronized (a) {
                a.expiresAtMillis = clock.millis() + lifetime * 1000;
            }
        }
        reply(ch, from, m, StunMessage.SUCCESS, List.of(new StunAttribute(StunAttribute.LIFETIME,
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
            error(ch, from, m, 400, "Bad Request: XOR-PEER-ADDRESS missing", key);
            return;
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (StunAttribute p : peers) {
            InetAddress peer = StunMessage.xorAddress(p.value()).getAddress();
            if (peerSide.forbidden(peer)) {
                error(ch, from, m, 403, "Forbidden: " + peer.getHostAddress() + " may not be relayed to", key);
                return;
            }
            addresses.add(peer);
        }
        long until = clock.millis() + PERMISSION_MILLIS;
        synchronized (a) {
            if (addresses.stream().filter(p -> !a.permissions.containsKey(p)).count() + a.permissions.size()
                    > MAX_PERMISSIONS) {
                error(ch, from, m, 508, "Insufficient Capacity: at most " + MAX_PERMISSIONS
                        + " permissions per allocation", key);
                return;
            }
            addresses.forEach(p -> a.permissions.put(p, until));
        }
        reply(ch, from, m, StunMessage.SUCCESS, List.of(), key);
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
            error(ch, from, m, 400, "Bad Request: CHANNEL-NUMBER and XOR-PEER-ADDRESS required", key);
            return;
        }
        int channel = ((number.get().value()[0] & 0xff) << 8) | (number.get().value()[1] & 0xff);
        InetSocketAddress peer = StunMessage.xorAddress(peerAttr.get().value());
        if (channel < ChannelData.MIN_CHANNEL || channel > ChannelData.MAX_CHANNEL) {
            error(ch, from, m, 400, "Bad Request: channel number outside 0x4000-0x7FFE", key);
            return;
        }
        if (peerSide.forbidden(peer.getAddress())) {
            error(ch, from, m, 403, "Forbidden", key);
            return;
        }
        long now = clock.millis();
        synchronized (a) {
            InetSocketAddress bound = a.channels.get(channel);
            Integer other = a.channelOf.get(peer);
            if ((bound != null && !bound.equals(peer)) || (other != null && other != channel)) {
                error(ch, from, m, 400, "Bad Request: channel or peer already bound otherwise", key);
                return;
            }
            if (bound == null && a.channels.size() >= MAX_PERMISSIONS) {
                error(ch, from, m, 508, "Insufficient Capacity: at most " + MAX_PERMISSIONS
                        + " channels per allocation", key);
                return;
            }
            a.channels.put(channel, peer);
            a.channelOf.put(peer, channel);
            a.channelExpiry.put(channel, now + CHANNEL_MILLIS);
            a.permissions.put(peer.getAddress(), now + PERMISSION_MILLIS);
        }
        reply(ch, from, m, StunMessage.SUCCESS, List.of(), key);
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
