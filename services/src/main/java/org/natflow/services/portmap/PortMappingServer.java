package org.natflow.services.portmap;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.natflow.apps.portmap.MappingOutcome;
import org.natflow.apps.portmap.MappingRequest;
import org.natflow.apps.portmap.MappingResult;
import org.natflow.apps.portmap.PortMappings;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.natflow.controller.api.KeyedTokenBuckets;
import org.natflow.controller.api.NamedThreads;
import org.natflow.services.link.LinkDatagrams;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port mapping server on UDP 5351 of the gateway address: PCP (RFC 6887, version 2) and its predecessor
 * NAT-PMP (RFC 6886, version 0) on one port, told apart by the version byte (RFC 6887, appendix A). Inside hosts'
 * requests arrive over the service link (the switch translates their conversations); only inside hosts are
 * served, at most {@code requestsPerHost} requests a second each. Requests that change mappings are answered
 * from {@link PortMappings} on a thread of its own (mappings are stored), the rest on the socket's loop. The
 * epoch counts from an origin kept with the mappings (they survive restarts, so clients need not renew them at
 * once after one).
 */
public final class PortMappingServer {

    private static final Logger log = LoggerFactory.getLogger(PortMappingServer.class);
    /** The server's port (RFC 6886, RFC 6887). */
    public static final int PORT = 5351;
    /** A client's conversation goes after this long idle in the switch. */
    private static final int CLIENT_IDLE_SECONDS = 30;
    private static final int TCP = 6;
    private static final int UDP = 17;

    private final ServiceLink link;
    private final PortMappings mappings;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Clock clock;
    private final Supplier<Long> epochOriginMillis;
    private final KeyedTokenBuckets<IPv4Address> rates;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(new NamedThreads("natflow-portmap"));
    private volatile Channel udp;
    private volatile boolean stopped;
    /** Requests answered. */
    public final AtomicLong answered = new AtomicLong();
    /** Datagrams that were no request (too short, too long, truncated, badly formed), dropped or refused. */
    public final AtomicLong malformed = new AtomicLong();
    /** Requests over a host's rate, dropped. */
    public final AtomicLong limited = new AtomicLong();

    /**
     * @param group             the event loops for its socket; the server owns it from now on
     * @param epochOriginMillis when the epoch began (read at each answer: it may be moved when state is lost)
     * @param requestsPerHost   requests a second one inside host may make
     */
    public PortMappingServer(ServiceLink link, PortMappings mappings, EventLoopGroup group, Clock clock,
                             Supplier<Long> epochOriginMillis, int requestsPerHost) {
        this.link = link;
        this.mappings = mappings;
        this.group = group;
        this.loop = group.next();
        this.clock = clock;
        this.epochOriginMillis = epochOriginMillis;
        this.rates = new KeyedTokenBuckets<>(requestsPerHost, 2.0 * requestsPerHost, 65_536, requestsPerHost,
                2.0 * requestsPerHost, System.nanoTime());
    }

    /** Exposes UDP 5351 on the gateway address and listens on the link address (retrying until it is there). */
    public void start() {
        link.exposeOnGateway(Protocol.UDP, PORT, CLIENT_IDLE_SECONDS);
        String at = link.config().serviceAddress().toString();
        LinkDatagrams.bind(loop, at, PORT, this::received, ch -> {
            udp = ch;
            log.info("event=portmap-listening at={}:{} protocols=pcp,natpmp", at, PORT);
        }, () -> stopped);
    }

    /** Seconds since the epoch began. */
    private long epoch() {
        return Math.max(0, (clock.millis() - epochOriginMillis.get()) / 1000);
    }

    private void received(DatagramPacket p) {
        InetSocketAddress sender = p.sender();
        Optional<Conversation> c = link.byAlias(Protocol.UDP, sender.getPort());
        if (c.isEmpty() || !c.get().inside()) {
            return; // only inside hosts are served
        }
        IPv4Address host = c.get().remote().address();
        if (!rates.take(host, System.nanoTime())) {
            limited.incrementAndGet();
            return;
        }
        link.confirm(Protocol.UDP, sender.getPort());
        byte[] d = ByteBufUtil.getBytes(p.content());
        if (d.length > 0 && d[0] == NatPmpCodec.VERSION) {
            natPmp(sender, host, d);
        } else {
            pcp(sender, host, d);
        }
    }

    private void natPmp(InetSocketAddress sender, IPv4Address host, byte[] d) {
        NatPmpCodec.Request r = NatPmpCodec.parse(d);
        if (r == null) {
            malformed.incrementAndGet();
        } else if (r.op() == NatPmpCodec.OP_ADDRESS) {
            reply(sender, NatPmpCodec.address(NatPmpCodec.SUCCESS, epoch(), mappings.publicAddress(host)));
        } else if (!r.isMap()) {
            reply(sender, NatPmpCodec.error(r.op(), NatPmpCodec.UNSUPPORTED_OPCODE, epoch()));
        } else {
            Protocol protocol = r.op() == NatPmpCodec.OP_MAP_UDP ? Protocol.UDP : Protocol.TCP;
            MappingRequest q = MappingRequest.simple("natpmp", host, protocol, r.insidePort(), r.suggested(),
                    r.lifetimeSecs());
            work(q.insidePort(), () -> mappings.map(q), m -> NatPmpCodec.mapped(r.op(), epoch(), m), sender);
        }
    }

    private void pcp(InetSocketAddress sender, IPv4Address host, byte[] d) {
        PcpCodec.Parsed parsed = PcpCodec.parse(d);
        if (parsed == null) {
            malformed.incrementAndGet();
            return;
        }
        if (parsed.request() == null) {
            if (parsed.error() != PcpCodec.UNSUPP_VERSION) {
                malformed.incrementAndGet();
            }
            reply(sender, PcpCodec.error(d, parsed.error(), epoch()));
            return;
        }
        PcpCodec.Request r = parsed.request();
        if (!host.equals(r.client())) {
            reply(sender, PcpCodec.error(d, PcpCodec.ADDRESS_MISMATCH, epoch()));
            return;
        }
        if (r.opcode() == PcpCodec.OP_ANNOUNCE) {
            reply(sender, PcpCodec.announced(epoch()));
            return;
        }
        Protocol protocol = r.protocol() == TCP ? Protocol.TCP : r.protocol() == UDP ? Protocol.UDP : null;
        boolean peer = r.opcode() == PcpCodec.OP_PEER;
        if (protocol == null && (r.protocol() != 0 || peer)) {
            reply(sender, PcpCodec.error(d, PcpCodec.UNSUPP_PROTOCOL, epoch()));
            return;
        }
        if (peer && (r.insidePort() == 0 || r.remotePort() == 0 || r.remote() == null
                || r.remote().equals(IPv4Address.NONE))) {
            malformed.incrementAndGet();
            reply(sender, PcpCodec.error(d, PcpCodec.MALFORMED_REQUEST, epoch()));
            return;
        }
        IPv4Address target = r.thirdParty() == null ? host : r.thirdParty();
        MappingRequest q = new MappingRequest("pcp", host, target, protocol, r.insidePort(), r.suggestedAddress(),
                r.suggestedPort(), r.lifetimeSecs(), HexFormat.of().formatHex(r.nonce()), r.preferFailure(),
                Optional.ofNullable(r.filters()));
        work(r.insidePort(), () -> peer ? mappings.peer(q, r.remote()) : mappings.map(q),
                m -> PcpCodec.mapped(r, code(m.outcome()), m.lifetimeSecs(), epoch(), m.publicAddress(),
                        m.publicPort()), sender);
    }

    /** PCP's result code for an outcome. */
    static int code(MappingOutcome outcome) {
        return switch (outcome) {
            case SUCCESS -> PcpCodec.SUCCESS;
            case NOT_AUTHORIZED -> PcpCodec.NOT_AUTHORIZED;
            case NETWORK_FAILURE -> PcpCodec.NETWORK_FAILURE;
            case NO_RESOURCES -> PcpCodec.NO_RESOURCES;
            case USER_EX_QUOTA -> PcpCodec.USER_EX_QUOTA;
            case CANNOT_PROVIDE_EXTERNAL -> PcpCodec.CANNOT_PROVIDE_EXTERNAL;
            case UNSUPP_PROTOCOL -> PcpCodec.UNSUPP_PROTOCOL;
            case EXCESSIVE_REMOTE_PEERS -> PcpCodec.EXCESSIVE_REMOTE_PEERS;
        };
    }

    /** Runs a mapping change on the worker and answers with what it gave (a store failure: network failure). */
    private void work(int insidePort, Supplier<MappingResult> change,
                      java.util.function.Function<MappingResult, byte[]> answer, InetSocketAddress to) {
        try {
            worker.execute(() -> {
                MappingResult m;
                try {
                    m = change.get();
                } catch (RuntimeException e) {
                    log.warn("event=port-mapping-failed client={} error=\"{}\"", to, e.toString());
                    m = MappingResult.of(MappingOutcome.NETWORK_FAILURE, insidePort);
                }
                reply(to, answer.apply(m));
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void reply(InetSocketAddress to, byte[] answer) {
        Channel ch = udp;
        if (ch != null) {
            answered.incrementAndGet();
            ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), to));
        }
    }

    /** Closes the socket and stops answering. */
    public void stop() {
        stopped = true;
        worker.shutdownNow();
        link.unexposeOnGateway(Protocol.UDP, PORT);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
