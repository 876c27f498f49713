package org.natflow.services.portmap;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * The NAT-PMP server (RFC 6886) on UDP 5351 of the gateway address: inside hosts' requests arrive over the service
 * link (the switch translates their conversations), are answered from {@link PortMappings} on a thread of its own
 * (mappings are stored), and only inside hosts are served, at most {@code requestsPerHost} requests a second
 * each. The epoch counts from the first start with this data directory (mappings survive restarts, so clients
 * need not renew them at once).
 */
public final class NatPmpServer {

    private static final Logger log = LoggerFactory.getLogger(NatPmpServer.class);
    /** The server's port (RFC 6886). */
    public static final int PORT = 5351;
    /** A client's conversation goes after this long idle in the switch. */
    private static final int CLIENT_IDLE_SECONDS = 30;

    private final ServiceLink link;
    private final PortMappings mappings;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Clock clock;
    private final long epochOriginMillis;
    private final KeyedTokenBuckets<IPv4Address> rates;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(new NamedThreads("natflow-natpmp"));
    private volatile Channel udp;
    private volatile boolean stopped;
    /** Requests answered. */
    public final AtomicLong answered = new AtomicLong();
    /** Datagrams that were no request (too short, too long, truncated), dropped. */
    public final AtomicLong malformed = new AtomicLong();
    /** Requests over a host's rate, dropped. */
    public final AtomicLong limited = new AtomicLong();

    /**
     * @param group             the event loops for its socket; the server owns it from now on
     * @param epochOriginMillis when the epoch began
     * @param requestsPerHost   requests a second one inside host may make
     */
    public NatPmpServer(ServiceLink link, PortMappings mappings, EventLoopGroup group, Clock clock,
                        long epochOriginMillis, int requestsPerHost) {
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
        bind();
    }

    private void bind() {
        String at = link.config().serviceAddress().toString();
        LinkDatagrams.bind(loop, at, PORT, this::received, ch -> {
            udp = ch;
            log.info("event=natpmp-listening at={}:{}", at, PORT);
        }, () -> stopped);
    }

    private long epoch() {
        return Math.max(0, (clock.millis() - epochOriginMillis) / 1000);
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
        NatPmpCodec.Request r = NatPmpCodec.parse(ByteBufUtil.getBytes(p.content()));
        if (r == null) {
            malformed.incrementAndGet();
            return;
        }
        if (r.version() != NatPmpCodec.VERSION) {
            reply(sender, NatPmpCodec.error(r.op(), NatPmpCodec.UNSUPPORTED_VERSION, epoch()));
        } else if (r.op() == NatPmpCodec.OP_ADDRESS) {
            reply(sender, NatPmpCodec.address(MappingResult.SUCCESS, epoch(), mappings.publicAddress(host)));
        } else if (!r.isMap()) {
            reply(sender, NatPmpCodec.error(r.op(), NatPmpCodec.UNSUPPORTED_OPCODE, epoch()));
        } else {
            Protocol protocol = r.op() == NatPmpCodec.OP_MAP_UDP ? Protocol.UDP : Protocol.TCP;
            try {
                worker.execute(() -> {
                    MappingResult m;
                    try {
                        m = mappings.map(host, protocol, r.insidePort(), r.suggested(), r.lifetimeSecs());
                    } catch (RuntimeException e) {
                        log.warn("event=natpmp-map-failed host={} error=\"{}\"", host, e.toString());
                        m = new MappingResult(MappingResult.NETWORK_FAILURE, r.insidePort(), 0, 0);
                    }
                    reply(sender, NatPmpCodec.mapped(r.op(), epoch(), m));
                });
            } catch (RejectedExecutionException e) {
                // stopping
            }
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
