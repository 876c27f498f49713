package org.natflow.services.turn;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.service.ServiceLink;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Allocate requests (RFC 8656 section 7): the checks of transport, address family, EVEN-PORT and
 * RESERVATION-TOKEN, the user's quota and the server's cap counted before the relayed socket is bound, the
 * relayed port from the NAT pool, the socket bound on the client's event loop before the answer, and
 * retransmissions answered with the first answer.
 */
final class TurnAllocator {

    private static final Logger log = LoggerFactory.getLogger(TurnAllocator.class);
    private final TurnConfig config;
    private final ServiceLink link;
    private final TurnAllocations allocations;
    private final TurnPeers peerSide;
    private final IPv4Address publicAddress;
    private final Clock clock;
    private final TurnAnswers answers;
    private final LongAdder created = new LongAdder();

    TurnAllocator(TurnConfig config, ServiceLink link, TurnAllocations allocations, TurnPeers peerSide,
                  IPv4Address publicAddress, Clock clock, TurnAnswers answers) {
        this.config = config;
        this.link = link;
        this.allocations = allocations;
        this.peerSide = peerSide;
        this.publicAddress = publicAddress;
        this.clock = clock;
        this.answers = answers;
    }

    /** Allocations created so far. */
    long created() {
        return created.sum();
    }

    /** The lifetime granted for a request's LIFETIME (0: delete), within the configured bounds. */
    static long lifetime(TurnConfig config, StunMessage m) throws StunException {
        Optional<StunAttribute> l = m.attribute(StunAttribute.LIFETIME);
        long asked = l.isPresent() ? StunMessage.u32(l.get().value()) : config.defaultLifetime();
        if (asked == 0) {
            return 0;
        }
        return Math.max(config.defaultLifetime(), Math.min(asked, config.maxLifetime()));
    }

    /** An authenticated Allocate from {@code from} (client {@code client}) of {@code user}, signed with {@code key}. */
    void allocate(Channel ch, InetSocketAddress from, Endpoint client, StunMessage m, String user, byte[] key)
            throws StunException {
        Allocation existing = allocations.byClient(from);
        if (existing != null) {
            if (!existing.username.equals(user)) {
                answers.error(ch, from, m, 441, "Wrong Credentials", key);
            } else if (existing.answer != null && Arrays.equals(existing.createdBy, m.transactionId())) {
                answers.reply(ch, from, m, StunMessage.SUCCESS, existing.answer, key); // a retransmission (RFC 8656, 7.2)
            } else {
                answers.error(ch, from, m, 437, "Allocation Mismatch", key);
            }
            return;
        }
        Optional<StunAttribute> transport = m.attribute(StunAttribute.REQUESTED_TRANSPORT);
        if (transport.isEmpty() || transport.get().value().length != 4) {
            answers.error(ch, from, m, 400, "Bad Request: REQUESTED-TRANSPORT missing", key);
            return;
        }
        if ((transport.get().value()[0] & 0xff) != 17) {
            answers.error(ch, from, m, 442, "Unsupported Transport Protocol", key);
            return;
        }
        Optional<StunAttribute> family = m.attribute(StunAttribute.REQUESTED_ADDRESS_FAMILY);
        if (family.isPresent() && (family.get().value().length < 1 || family.get().value()[0] != 1)) {
            answers.error(ch, from, m, 440, "Address Family not Supported", key);
            return;
        }
        Optional<StunAttribute> even = m.attribute(StunAttribute.EVEN_PORT);
        Optional<StunAttribute> token = m.attribute(StunAttribute.RESERVATION_TOKEN);
        if (even.isPresent() && token.isPresent()) {
            answers.error(ch, from, m, 400, "Bad Request: EVEN-PORT with RESERVATION-TOKEN", key);
            return;
        }
        long lifetime = lifetime(config, m);
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
            answers.error(ch, from, m, 486, "Allocation Quota Reached: " + over, key);
            return;
        }
        int port;
        byte[] newToken = null;
        if (token.isPresent()) {
            port = allocations.takeKept(token.get().value());
            if (port < 0) {
                allocations.doneAllocating(from);
                allocations.releaseQuota(user);
                answers.error(ch, from, m, 508, "Insufficient Capacity: unknown or expired reservation token", key);
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
            answers.error(ch, from, m, 508, "Insufficient Capacity", key);
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
                        answers.error(ch, from, m, 508, "Insufficient Capacity", key);
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
            answers.error(ch, from, m, 437, "Allocation Mismatch", key);
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
        answers.reply(ch, from, m, StunMessage.SUCCESS, attrs, key);
    }
}
