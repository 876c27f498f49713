package org.natflow.services.turn;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.service.ServiceLink;
import org.natflow.services.link.LinkDatagrams;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies a NAT in front of natflow's own uplink (a carrier's, a campus core's) the way a peer-to-peer stack
 * classifies the NAT in front of it: RFC 5780 behaviour discovery against a STUN server beyond the uplink that
 * does RFC 5780 (coturn with two addresses does), from a public port of natflow's first pool address over the
 * service link. Mapping: Binding to the server's address, then to its other address (same port), then to its
 * other address and port; filtering: answers asked from the other address and port, then from the other port
 * only. Run at start, every {@code interval}, and on demand; the last result is kept.
 */
public final class UpstreamNatProbe {

    private static final Logger log = LoggerFactory.getLogger(UpstreamNatProbe.class);
    private static final long TIMEOUT_MILLIS = 500;
    private static final int TRIES = 3;

    /**
     * What a check found.
     *
     * @param server         the STUN server asked
     * @param publicEndpoint natflow's endpoint it asked from
     * @param mappedEndpoint where the server saw it (null: no answer)
     * @param behindNat      whether that is another endpoint: a NAT between natflow and the server
     * @param mapping        endpoint-independent, address-dependent, address-and-port-dependent (null: unknown)
     * @param filtering      the same kinds (null: unknown)
     * @param checkedAt      when
     * @param error          why the check could not finish, or null
     */
    public record Result(String server, String publicEndpoint, String mappedEndpoint, boolean behindNat,
                         String mapping, String filtering, Instant checkedAt, String error) {
    }

    private final ServiceLink link;
    private final PublicPorts ports;
    private final IPv4Address address;
    private final Endpoint server;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, CompletableFuture<StunMessage>> waiting = new ConcurrentHashMap<>();
    private volatile Channel socket;
    private volatile int port;
    private volatile boolean stopped;
    private volatile Result last;
    private volatile CompletableFuture<Result> running;

    /**
     * @param address the pool address asked from (the first: its border's uplink)
     * @param group   the event loop of its socket; the probe owns it from now on
     */
    public UpstreamNatProbe(ServiceLink link, PublicPorts ports, IPv4Address address, Endpoint server,
                            EventLoopGroup group, Clock clock, Duration interval) {
        this.link = link;
        this.ports = ports;
        this.address = address;
        this.server = server;
        this.group = group;
        this.loop = group.next();
        this.clock = clock;
        this.interval = interval;
    }

    /** Takes a public port, listens on it over the link and checks once it can, then every interval. */
    public void start() {
        port = ports.reserveFree(Protocol.UDP, address, "the upstream NAT probe");
        link.expose(Protocol.UDP, address, port); // answers come from the server's other endpoints too
        LinkDatagrams.bind(loop, link.config().serviceAddress().toString(), port, this::received, ch -> {
            socket = ch;
            loop.schedule(this::check, 2, TimeUnit.SECONDS);
            loop.scheduleAtFixedRate(this::check, interval.toSeconds(), interval.toSeconds(), TimeUnit.SECONDS);
        }, () -> stopped);
    }

    /** The last check's result, if one finished. */
    public Result last() {
        return last;
    }

    /** The public endpoint it asks from. */
    public Endpoint endpoint() {
        return new Endpoint(address, port);
    }

    /** Checks now (or joins the check under way); completes with its result. */
    public synchronized CompletableFuture<Result> check() {
        CompletableFuture<Result> r = running;
        if (r != null && !r.isDone()) {
            return r;
        }
        running = classify().exceptionally(e -> result(null, null, null, null,
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                        ? e.getCause().getMessage() : e.getMessage()))
                .whenComplete((res, e) -> {
                    last = res;
                    log.info("event=upstream-nat server={} public={} mapped={} nat={} mapping={} filtering={} error={}",
                            server, endpoint(), res.mappedEndpoint(), res.behindNat(), res.mapping(), res.filtering(),
                            res.error());
                });
        return running;
    }

    private Result result(Endpoint mapped, Boolean nat, String mapping, String filtering, String error) {
        return new Result(server.toString(), endpoint().toString(), mapped == null ? null : mapped.toString(),
                nat != null && nat, mapping, filtering, clock.instant(), error);
    }

    private CompletableFuture<Result> classify() {
        if (socket == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the service link is not up yet"));
        }
        return binding(server, null).thenCompose(first -> {
            if (first == null) {
                return CompletableFuture.completedFuture(result(null, null, null, null,
                        "no answer from " + server));
            }
            Endpoint mapped1 = mapped(first);
            Endpoint other = first.attribute(BehaviourDiscovery.OTHER_ADDRESS)
                    .map(a -> BehaviourDiscovery.endpoint(a.value())).orElse(null);
            boolean nat = !endpoint().equals(mapped1);
            if (other == null) {
                return CompletableFuture.completedFuture(result(mapped1, nat, null, null,
                        server + " does not do RFC 5780 (no OTHER-ADDRESS)"));
            }
            return mapping(mapped1, other).thenCompose(mapping -> filtering()
                    .thenApply(filtering -> result(mapped1, nat, nat ? mapping : "none", filtering, null)));
        });
    }

    private CompletableFuture<String> mapping(Endpoint mapped1, Endpoint other) {
        return binding(new Endpoint(other.address(), server.port()), null).thenCompose(second -> {
            Endpoint mapped2 = second == null ? null : mapped(second);
            if (mapped1.equals(mapped2)) {
                return CompletableFuture.completedFuture("endpoint-independent");
            }
            return binding(other, null).thenApply(third -> third != null && mapped2 != null
                    && mapped2.equals(mapped(third)) ? "address-dependent" : "address-and-port-dependent");
        });
    }

    private CompletableFuture<String> filtering() {
        return binding(server, BehaviourDiscovery.changeRequest(true, true)).thenCompose(both -> both != null
                ? CompletableFuture.completedFuture("endpoint-independent")
                : binding(server, BehaviourDiscovery.changeRequest(false, true)).thenApply(port -> port != null
                        ? "address-dependent" : "address-and-port-dependent"));
    }

    private static Endpoint mapped(StunMessage m) {
        return m.attribute(StunAttribute.XOR_MAPPED_ADDRESS).map(a -> {
            try {
                InetSocketAddress s = StunMessage.xorAddress(a.value());
                return new Endpoint(IPv4Address.of(s.getAddress().getHostAddress()), s.getPort());
            } catch (StunException e) {
                return null;
            }
        }).orElse(null);
    }

    /** A Binding to {@code to}; completes with the answer, or null when none came after the tries. */
    private CompletableFuture<StunMessage> binding(Endpoint to, byte[] changeRequest) {
        byte[] id = new byte[12];
        ThreadLocalRandom.current().nextBytes(id);
        List<StunAttribute> attrs = changeRequest == null ? List.of()
                : List.of(new StunAttribute(BehaviourDiscovery.CHANGE_REQUEST, changeRequest));
        byte[] request = StunMessage.of(StunMessage.BINDING, StunMessage.REQUEST, id, attrs).encode(null, false);
        String key = ByteBufUtil.hexDump(id);
        CompletableFuture<StunMessage> answer = new CompletableFuture<>();
        waiting.put(key, answer);
        answer.whenComplete((m, e) -> waiting.remove(key));
        return link.connect(Protocol.UDP, endpoint(), to).thenCompose(alias -> {
            for (int i = 0; i < TRIES; i++) {
                loop.schedule(() -> {
                    Channel ch = socket;
                    if (!answer.isDone() && ch != null) {
                        ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(request),
                                new InetSocketAddress(alias.address().toString(), alias.port())));
                    }
                }, i * TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            }
            loop.schedule(() -> answer.complete(null), TRIES * TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            return answer;
        });
    }

    private void received(DatagramPacket p) {
        try {
            StunMessage m = StunMessage.decode(ByteBufUtil.getBytes(p.content()));
            if (m.method() == StunMessage.BINDING && m.messageClass() == StunMessage.SUCCESS) {
                CompletableFuture<StunMessage> w = waiting.get(ByteBufUtil.hexDump(m.transactionId()));
                if (w != null) {
                    w.complete(m);
                }
            }
        } catch (StunException e) {
            // not an answer of the server's: ignored
        }
    }

    /** Closes its socket and gives its port back. */
    public void stop() {
        stopped = true;
        Channel ch = socket;
        if (ch != null) {
            ch.close();
        }
        if (port != 0) {
            link.unexpose(Protocol.UDP, address, port);
            ports.unreserve(Protocol.UDP, address, port);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
