package org.natflow.services.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.natflow.controller.api.KeyedTokenBuckets;
import org.natflow.controller.api.LogLimiter;
import org.natflow.services.link.LinkDatagrams;
import org.natflow.services.splice.OutsideConnector;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The DNS forwarder on the gateway address: UDP and TCP port 53, reached by inside hosts over the service link
 * (never from the public side: only inside conversations are served). A query is answered from local names
 * (a DHCP client's {@code hostname.domain}, and the PTR of its address), else from the cache, else forwarded to
 * the upstream resolvers from a UDP port reserved on the first pool address (through a conversation the switch
 * translates), and its answer cached. Malformed queries get FORMERR when their header can be read (else they are
 * dropped), other opcodes NOTIMP; each inside host is held to its query rate. UDP answers larger than the
 * client's size (512, or its EDNS(0) payload size) are truncated with TC set, so it asks again over TCP. An
 * upstream's answer that comes truncated even at the 4 096 bytes asked for is asked again over TCP
 * ({@link #askTruncatedOverTcp}), and the whole answer cached, so the client's TCP retry finds it.
 */
public final class DnsForwarder {

    private static final Logger log = LoggerFactory.getLogger(DnsForwarder.class);
    static final int PORT = 53;
    private static final long UPSTREAM_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final int MAX_PENDING = 10_000;
    /** A UDP client's conversation (one per source port) idles out in the switch after this long. */
    static final int CLIENT_IDLE_SECONDS = 10;

    private final DnsConfig config;
    private final ServiceLink link;
    private final PublicPorts ports;
    private final LocalAnswers localAnswers;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final DnsCache cache;
    private final Endpoint publicSide;
    private final KeyedTokenBuckets<IPv4Address> rates;
    private final LogLimiter refusedLog = new LogLimiter(20, java.time.Duration.ofSeconds(10));
    private final Map<Integer, Pending> pending = new HashMap<>(); // on loop
    private Channel udp;
    private Channel tcp;
    private Channel upstream;
    private CompletableFuture<Endpoint> upstreamAlias;
    private int upstreamIndex;
    private volatile boolean stopped;
    /** Counters, read by the metrics binder. */
    public final AtomicLong queries = new AtomicLong();
    public final AtomicLong local = new AtomicLong();
    public final AtomicLong cached = new AtomicLong();
    public final AtomicLong forwarded = new AtomicLong();
    public final AtomicLong failed = new AtomicLong();
    public final AtomicLong malformed = new AtomicLong();
    public final AtomicLong limited = new AtomicLong();
    /** Truncated upstream answers asked again over TCP, and the ones of those that failed (the truncated one given). */
    public final AtomicLong upstreamTcp = new AtomicLong();
    public final AtomicLong upstreamTcpFailed = new AtomicLong();
    private volatile TcpUpstream tcpUpstream;

    /** A query sent upstream, waiting for its answer. */
    private record Pending(int clientId, Message query, Record question, DnsAsker asker, Responder to,
                           long deadlineNanos, int tries) {
    }

    /** Where an answer goes: back to a UDP client (within the size its query allows), or down a TCP connection. */
    interface Responder {
        /** @param query the query answered, or null when it could not be read */
        void answer(Message m, Message query);
    }

    /**
     * @param group the event loops for the forwarder's sockets; the forwarder owns it from now on
     */
    public DnsForwarder(DnsConfig config, ServiceLink link, PublicPorts ports, LocalNames names, EventLoopGroup group) {
        this.config = config;
        this.link = link;
        this.ports = ports;
        this.localAnswers = new LocalAnswers(config.domain(), names);
        this.group = group;
        this.loop = group.next();
        this.cache = new DnsCache(config.cacheEntries());
        IPv4Address first = ports.pool().get(0);
        this.publicSide = new Endpoint(first, ports.reserveFree(Protocol.UDP, first, "the DNS forwarder"));
        this.rates = new KeyedTokenBuckets<>(config.queriesPerHost(), 2.0 * config.queriesPerHost(), 65_536,
                config.queriesPerHost(), 2.0 * config.queriesPerHost(), System.nanoTime());
        link.addCloseListener(this::conversationClosed);
    }

    /**
     * Asks again over TCP, through {@code connector}, when an upstream's UDP answer comes truncated (without it,
     * the truncated answer is passed on). Call before {@link #start}.
     */
    public void askTruncatedOverTcp(OutsideConnector connector) {
        this.tcpUpstream = new TcpUpstream(connector);
    }

    /** Exposes port 53 on the gateway address and listens on the link address (retrying until it is there). */
    public void start() {
        // Resolvers ask from a fresh port per query: each such conversation goes after 10 s idle, not 15 min.
        link.exposeOnGateway(Protocol.UDP, PORT, CLIENT_IDLE_SECONDS);
        link.exposeOnGateway(Protocol.TCP, PORT);
        loop.scheduleAtFixedRate(this::expirePending, 1, 1, TimeUnit.SECONDS);
        bind();
    }

    private void bind() {
        String at = link.config().serviceAddress().toString();
        LinkDatagrams.bind(loop, at, PORT, this::fromClient, clients -> {
            udp = clients;
            new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                            fromUpstream(p);
                        }
                    }).bind(new InetSocketAddress(at, publicSide.port())).addListener((ChannelFuture g) -> {
                        if (g.isSuccess()) {
                            upstream = g.channel();
                        }
                    });
            new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            tcpClient(ch);
                        }
                    }).bind(new InetSocketAddress(at, PORT)).addListener((ChannelFuture g) -> {
                        if (g.isSuccess()) {
                            tcp = g.channel();
                        }
                    });
            log.info("event=dns-listening at={}:{} upstreams={} public={}", at, PORT, config.upstreams(), publicSide);
        }, () -> stopped);
    }

    // ---- clients ---------------------------------------------------------------------------------------------

    private void fromClient(DatagramPacket p) {
        InetSocketAddress sender = p.sender();
        Optional<Conversation> c = link.byAlias(Protocol.UDP, sender.getPort());
        if (c.isEmpty() || !c.get().inside()) {
            return; // not an inside host's conversation: nothing is served to anyone else
        }
        link.confirm(Protocol.UDP, sender.getPort());
        byte[] bytes = ByteBufUtil.getBytes(p.content());
        Responder to = (m, q) -> udp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(m.toWire(udpSize(q))),
                sender));
        query(bytes, new DnsAsker(c.get().remote(), c.get().dpid()), to);
    }

    private void tcpClient(SocketChannel ch) {
        int aliasPort = ch.remoteAddress().getPort();
        Optional<Conversation> c = link.byAlias(Protocol.TCP, aliasPort);
        if (c.isEmpty() || !c.get().inside()) {
            ch.close();
            return;
        }
        link.confirm(Protocol.TCP, aliasPort);
        DnsAsker asker = new DnsAsker(c.get().remote(), c.get().dpid());
        ch.pipeline().addLast(new ReadTimeoutHandler(10), new LengthFieldBasedFrameDecoder(65_535, 0, 2, 0, 2),
                new LengthFieldPrepender(2), new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        byte[] bytes = ByteBufUtil.getBytes(msg);
                        loop.execute(() -> query(bytes, asker, (m, q) -> ch.writeAndFlush(
                                Unpooled.wrappedBuffer(m.toWire()))));
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
                    }
                });
    }

    /** Answers one query of an inside host's (on the forwarder's event loop; tests and fuzzing: any thread). */
    void query(byte[] bytes, DnsAsker asker, Responder to) {
        queries.incrementAndGet();
        if (!rates.take(asker.client().address(), System.nanoTime())) {
            limited.incrementAndGet();
            return;
        }
        Message q = read(bytes);
        if (q == null) {
            malformed.incrementAndGet();
            // FORMERR with the id, when there is one; never to a response (QR): two servers would answer each other.
            if (bytes.length >= Header.LENGTH && (bytes[2] & 0x80) == 0) {
                Message err = new Message(((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff));
                err.getHeader().setFlag(Flags.QR);
                err.getHeader().setRcode(Rcode.FORMERR);
                to.answer(err, null);
            }
            return;
        }
        Header h = q.getHeader();
        if (h.getFlag(Flags.QR)) {
            return; // a response sent to the server: not ours to answer
        }
        if (h.getOpcode() != Opcode.QUERY) {
            to.answer(error(q, Rcode.NOTIMP), q);
            return;
        }
        Record question = q.getQuestion();
        if (question == null || h.getCount(Section.QUESTION) != 1) {
            malformed.incrementAndGet();
            to.answer(error(q, Rcode.FORMERR), q);
            return;
        }
        Message own = localAnswers.answer(q, question);
        if (own != null) {
            local.incrementAndGet();
            to.answer(own, q);
            return;
        }
        Message hit = cache.get(question, System.nanoTime());
        if (hit != null) {
            cached.incrementAndGet();
            to.answer(withId(hit, h.getID(), q), q);
            return;
        }
        forward(q, question, asker, to, 0);
    }

    /**
     * A message read from the wire by dnsjava, or null if it cannot be read: dnsjava throws IOException for most
     * malformed input and IllegalArgumentException for some (a TTL over 31 bits), so every reader goes through here.
     */
    static Message read(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** An answer to {@code q} with {@code rcode} and its question, nothing else. */
    static Message error(Message q, int rcode) {
        Message m = new Message(q.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        if (q.getHeader().getFlag(Flags.RD)) {
            m.getHeader().setFlag(Flags.RD);
        }
        m.getHeader().setFlag(Flags.RA);
        m.getHeader().setRcode(rcode);
        if (q.getQuestion() != null) {
            m.addRecord(q.getQuestion(), Section.QUESTION);
        }
        return m;
    }

    /** Replaces the static records (the operator's names, answered before anything else). */
    public void setRecords(List<StaticRecord> all) {
        localAnswers.setRecords(all);
    }

    // ---- upstream --------------------------------------------------------------------------------------------

    private void forward(Message q, Record question, DnsAsker asker, Responder to, int tries) {
        if (pending.size() >= MAX_PENDING || upstream == null) {
            failed.incrementAndGet();
            to.answer(error(q, Rcode.SERVFAIL), q);
            return;
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(65_536);
        } while (pending.containsKey(id));
        int clientId = q.getHeader().getID();
        Message out = q.clone();
        out.getHeader().setID(id);
        // Ask with EDNS(0) for 4 096 bytes, so that a large answer comes whole over UDP (and is truncated here
        // for a client that takes less, which then asks again over TCP).
        OPTRecord opt = out.getOPT();
        if (opt == null || opt.getPayloadSize() < 4096) {
            if (opt != null) {
                out.removeRecord(opt, Section.ADDITIONAL);
            }
            out.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        }
        pending.put(id, new Pending(clientId, q, question, asker, to, System.nanoTime() + UPSTREAM_TIMEOUT_NANOS,
                tries));
        forwarded.incrementAndGet();
        byte[] wire = out.toWire();
        upstreamAlias().whenComplete((alias, e) -> loop.execute(() -> {
            if (e != null) {
                Pending p = pending.remove(out.getHeader().getID());
                if (p != null) {
                    failed.incrementAndGet();
                    p.to().answer(error(p.query(), Rcode.SERVFAIL), p.query());
                }
                return;
            }
            upstream.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(wire),
                    new InetSocketAddress(alias.address().toString(), alias.port())));
        }));
    }

    private void fromUpstream(DatagramPacket p) {
        Message r = read(ByteBufUtil.getBytes(p.content()));
        if (r == null) {
            return;
        }
        Pending q = pending.get(r.getHeader().getID());
        if (q == null || r.getQuestion() == null || !r.getQuestion().equals(q.question())) {
            return; // late, spoofed, or for another question
        }
        pending.remove(r.getHeader().getID());
        TcpUpstream tcpAsk = tcpUpstream;
        if (r.getHeader().getFlag(Flags.TC) && tcpAsk != null) {
            // Larger than the 4 096 bytes asked for: the whole answer comes over TCP (RFC 7766).
            upstreamTcp.incrementAndGet();
            Endpoint server = config.upstreams().get(upstreamIndex % config.upstreams().size());
            tcpAsk.ask(q.asker(), server, q.query()).whenComplete((whole, e) -> loop.execute(() -> {
                boolean usable = e == null && q.question().equals(whole.getQuestion())
                        && !whole.getHeader().getFlag(Flags.TC);
                if (!usable) {
                    upstreamTcpFailed.incrementAndGet();
                    long left = refusedLog.permit();
                    if (left >= 0) {
                        log.warn("event=dns-upstream-tcp-failed question=\"{}\" upstream={} error=\"{}\""
                                + " suppressed={}", q.question(), server, e == null ? "not the answer" : e, left);
                    }
                }
                Message answer = usable ? whole : r;
                cache.put(q.question(), answer, System.nanoTime());
                q.to().answer(withId(answer, q.clientId(), q.query()), q.query());
            }));
            return;
        }
        cache.put(q.question(), r, System.nanoTime());
        q.to().answer(withId(r, q.clientId(), q.query()), q.query());
    }

    private synchronized CompletableFuture<Endpoint> upstreamAlias() {
        if (upstreamAlias == null || upstreamAlias.isCompletedExceptionally()) {
            Endpoint server = config.upstreams().get(upstreamIndex % config.upstreams().size());
            upstreamAlias = link.connect(Protocol.UDP, publicSide, server);
        }
        return upstreamAlias;
    }

    private void conversationClosed(Conversation c) {
        if (c.protocol() == Protocol.UDP && c.publicSide().equals(publicSide)) {
            synchronized (this) {
                upstreamAlias = null; // idled out: the next query opens it again
            }
        }
    }

    private void expirePending() {
        long now = System.nanoTime();
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.deadlineNanos() > now) {
                continue;
            }
            it.remove();
            if (p.tries() + 1 < 2 * config.upstreams().size()) {
                synchronized (this) {
                    upstreamIndex++; // the next resolver, and its conversation
                    upstreamAlias = null;
                }
                loop.execute(() -> forward(p.query(), p.question(), p.asker(), p.to(), p.tries() + 1));
            } else {
                failed.incrementAndGet();
                p.to().answer(error(p.query(), Rcode.SERVFAIL), p.query());
                long left = refusedLog.permit();
                if (left >= 0) {
                    log.warn("event=dns-upstream-timeout question=\"{}\" upstreams={} suppressed={}", p.question(),
                            config.upstreams(), left);
                }
            }
        }
    }

    /** A copy of an answer with the client's id, without an OPT record when the client sent none (RFC 6891 7). */
    private static Message withId(Message answer, int id, Message query) {
        Message m = answer.clone();
        m.getHeader().setID(id);
        OPTRecord opt = m.getOPT();
        if (opt != null && query.getOPT() == null) {
            m.removeRecord(opt, Section.ADDITIONAL);
        }
        return m;
    }

    /** The largest UDP answer the client takes: its EDNS(0) payload size (at most 4 096), or 512 (RFC 6891). */
    static int udpSize(Message query) {
        OPTRecord opt = query == null ? null : query.getOPT();
        return opt == null ? 512 : Math.max(512, Math.min(4096, opt.getPayloadSize()));
    }

    /** Stops listening and gives the reserved port back. */
    public void stop() {
        stopped = true;
        for (Channel ch : new Channel[] {udp, tcp, upstream}) {
            if (ch != null) {
                ch.close();
            }
        }
        link.unexposeOnGateway(Protocol.UDP, PORT);
        link.unexposeOnGateway(Protocol.TCP, PORT);
        ports.unreserve(Protocol.UDP, publicSide.address(), publicSide.port());
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
