package org.natflow.apps.nat;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.natflow.apps.natevents.NatEvent;
import org.natflow.apps.natevents.NatEventListener;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFC 6888 (REQ-12) record of address and port use: one line when a mapping or port block is created and
 * one when it ends, with protocol, inside and public endpoint, start and end time, and no destination. Lines
 * look like the application log's events, prefixed with their own UTC timestamp:
 *
 * <pre>
 * 2026-11-25T01:14:56.884Z event=nat-mapping-created id=7 protocol=tcp inside=10.0.0.11:43000 public=203.0.113.10:40094 start=2026-11-25T01:14:56.884Z
 * </pre>
 *
 * <p>A record is written at every new connection, so it is built by hand into a reused buffer (no message
 * formatter, no {@code Instant} or address strings): through the application log it cost as much CPU as the
 * rest of a set-up (docs/benchmarks.md). Where the lines go is the {@link Sink}'s business.
 *
 * <p>Beside its lines, and whether or not lines are kept, each record is raised as a {@link NatEvent} to a
 * {@link NatEventListener} (the IPFIX export of RFC 8158), with the refusals for want of ports or quota that
 * have no line.
 */
public final class MappingLog implements AutoCloseable {

    /** Where finished lines go; called concurrently, each line whole and without its line break. */
    @FunctionalInterface
    public interface Sink extends AutoCloseable {
        /** Takes one line; {@code line} is only valid during the call. */
        void write(CharSequence line);

        /** Lines this sink could not keep (none, unless it says otherwise). */
        default long dropped() {
            return 0;
        }

        /** Lines this sink has put where they belong. */
        default long written() {
            return 0;
        }

        /** Where the lines go, for operators (a file's path). */
        default String location() {
            return "";
        }

        /** Writes what is waiting and lets go of the destination. */
        @Override
        default void close() {
        }
    }

    private static final Logger APP_LOG = LoggerFactory.getLogger(MappingLog.class);
    private static final ThreadLocal<Line> LINES = ThreadLocal.withInitial(Line::new);

    private final Sink sink;
    private final Clock clock;
    private final NatEventListener events;

    public MappingLog(Sink sink, Clock clock) {
        this(sink, clock, NatEventListener.NONE);
    }

    /** A log whose records are also raised as events to {@code events}. */
    public MappingLog(Sink sink, Clock clock, NatEventListener events) {
        this.sink = sink;
        this.clock = clock;
        this.events = events;
    }

    /** This log's lines, with its records raised as events to {@code listener} too. */
    public MappingLog withEvents(NatEventListener listener) {
        return new MappingLog(sink, clock, listener);
    }

    private boolean raising() {
        return events.active();
    }

    /** Records go to the application log (logger {@code org.natflow.apps.nat.MappingLog}, INFO). */
    public static MappingLog toApplicationLog() {
        return new MappingLog(line -> {
            if (APP_LOG.isInfoEnabled()) {
                APP_LOG.info(line.toString());
            }
        }, Clock.systemUTC());
    }

    /** Records are dropped (RFC 6888 makes the log a SHOULD; an operator may turn it off). */
    public static MappingLog off() {
        return new MappingLog(line -> { }, Clock.systemUTC());
    }

    /** Where the records go, for operators: a file's path, or empty. */
    public String location() {
        return sink.location();
    }

    /** Lines lost by the sink (a stalled or failing disk). */
    public long dropped() {
        return sink.dropped();
    }

    /** Lines the sink has written. */
    public long written() {
        return sink.written();
    }

    /** Closes the sink: lines still waiting are written. */
    @Override
    public void close() {
        sink.close();
    }

    /** A mapping was created (its flows are in the switch). */
    public void created(NatSession s) {
        Line l = start("nat-mapping-created", s.id());
        mapping(l, s);
        sink.write(l.sb);
        if (raising()) {
            events.natEvent(NatEvent.mapping(true, s.createdMillis(), s.dpid().value(), s.protocol(),
                    s.insideAddress(), s.insidePort(), s.publicAddress(), s.publicPort()));
        }
    }

    /** A mapping ended; {@code reason} says why (idle, deleted, flows-vanished, ...). */
    public void deleted(NatSession s, String reason) {
        Line l = start("nat-mapping-deleted", s.id());
        mapping(l, s);
        long end = endNow(l, reason);
        if (raising()) {
            events.natEvent(NatEvent.mapping(false, end, s.dpid().value(), s.protocol(), s.insideAddress(),
                    s.insidePort(), s.publicAddress(), s.publicPort()));
        }
    }

    /**
     * Another app began to use a public port for an inside endpoint (a proxy tunnel's outside connection):
     * a record like a mapping's, under event {@code <kind>-created}. Raised as a session of one destination
     * when {@code remote} is given, else as an endpoint-independent mapping.
     *
     * @param remote the one destination the port is used for, or null for any
     * @param dpid   the border the port is used through
     */
    public void portUsed(String kind, long id, Protocol protocol, Endpoint inside, Endpoint pub, Endpoint remote,
                         long dpid, long startMillis) {
        Line l = start(kind + "-created", id);
        use(l, protocol, inside, pub, startMillis);
        sink.write(l.sb);
        if (raising()) {
            events.natEvent(use(true, startMillis, dpid, protocol, inside, pub, remote));
        }
    }

    /** The use {@link #portUsed} recorded ended; {@code reason} says why. */
    public void portReleased(String kind, long id, Protocol protocol, Endpoint inside, Endpoint pub,
                             Endpoint remote, long dpid, long startMillis, String reason) {
        Line l = start(kind + "-deleted", id);
        use(l, protocol, inside, pub, startMillis);
        long end = endNow(l, reason);
        if (raising()) {
            events.natEvent(use(false, end, dpid, protocol, inside, pub, remote));
        }
    }

    private static NatEvent use(boolean created, long millis, long dpid, Protocol protocol, Endpoint inside,
                                Endpoint pub, Endpoint remote) {
        return remote == null
                ? NatEvent.mapping(created, millis, dpid, protocol, inside.address(), inside.port(), pub.address(),
                        pub.port())
                : NatEvent.session(created, millis, dpid, protocol, inside.address(), inside.port(), pub.address(),
                        pub.port(), remote.address(), remote.port());
    }

    /**
     * A host was refused a port or a block for want of room or quota: no line (the application log has a
     * warning), an event (quota exceeded, ports exhausted, and addresses exhausted when no address had room).
     */
    public void refused(AllocationException e, Protocol protocol, IPv4Address inside, long dpid) {
        if (!raising()) {
            return;
        }
        long now = clock.millis();
        if (e.reason() == AllocationException.Reason.QUOTA_EXCEEDED) {
            events.natEvent(NatEvent.quotaExceeded(now, dpid, protocol, inside, e.limit()));
            return;
        }
        if (e.address() != null) {
            events.natEvent(NatEvent.portsExhausted(now, dpid, protocol, e.address()));
        }
        if (e.everyAddress()) {
            events.natEvent(NatEvent.addressesExhausted(now, dpid));
        }
    }

    private static void use(Line l, Protocol protocol, Endpoint inside, Endpoint pub, long startMillis) {
        use(l, protocol, inside.address(), inside.port(), pub.address(), pub.port(), startMillis);
    }

    private static void use(Line l, Protocol protocol, IPv4Address insideAddress, int insidePort,
                            IPv4Address publicAddress, int publicPort, long startMillis) {
        l.sb.append(" protocol=").append(protocol.lower()).append(" inside=");
        address(l.sb, insideAddress);
        l.sb.append(':').append(insidePort).append(" public=");
        address(l.sb, publicAddress);
        l.sb.append(':').append(publicPort).append(" start=");
        l.time(startMillis);
    }

    /**
     * A whole public address was given to an inside host (a static NAT; later a VPN lease): a record like a
     * block's with {@code ports=all}, under event {@code <kind>-created}.
     */
    public void addressHeld(String kind, long id, IPv4Address inside, IPv4Address pub, long startMillis) {
        Line l = start(kind + "-created", id);
        wholeAddress(l, inside, pub, startMillis);
        sink.write(l.sb);
        if (raising()) {
            events.natEvent(NatEvent.binding(true, startMillis, 0, inside, pub, null));
        }
    }

    /** The holding {@link #addressHeld} recorded ended; {@code reason} says why. */
    public void addressReleased(String kind, long id, IPv4Address inside, IPv4Address pub, long startMillis,
                                String reason) {
        Line l = start(kind + "-deleted", id);
        wholeAddress(l, inside, pub, startMillis);
        long end = endNow(l, reason);
        if (raising()) {
            events.natEvent(NatEvent.binding(false, end, 0, inside, pub, null));
        }
    }

    private static void wholeAddress(Line l, IPv4Address inside, IPv4Address pub, long startMillis) {
        l.sb.append(" inside=");
        address(l.sb, inside);
        l.sb.append(" public=");
        address(l.sb, pub);
        l.sb.append(" ports=all start=");
        l.time(startMillis);
    }

    /**
     * An address was lent to a named party beside the inside networks (a VPN peer): {@code peer=} and
     * {@code public=}, under event {@code <kind>-created}.
     */
    public void addressLent(String kind, long id, String peer, IPv4Address pub, long startMillis) {
        Line l = start(kind + "-created", id);
        lent(l, peer, pub, startMillis);
        sink.write(l.sb);
        if (raising()) {
            events.natEvent(NatEvent.binding(true, startMillis, 0, pub, pub, peer));
        }
    }

    /** The lending {@link #addressLent} recorded ended; {@code reason} says why. */
    public void addressReturned(String kind, long id, String peer, IPv4Address pub, long startMillis, String reason) {
        Line l = start(kind + "-deleted", id);
        lent(l, peer, pub, startMillis);
        long end = endNow(l, reason);
        if (raising()) {
            events.natEvent(NatEvent.binding(false, end, 0, pub, pub, peer));
        }
    }

    private static void lent(Line l, String peer, IPv4Address pub, long startMillis) {
        l.sb.append(" peer=\"").append(peer.replace('"', '\'')).append("\" public=");
        address(l.sb, pub);
        l.sb.append(" start=");
        l.time(startMillis);
    }

    /** A port block was assigned to an inside host (conntrack datapath). */
    public void blockAssigned(PortBlock b) {
        Line l = start("nat-block-assigned", b.id());
        block(l, b);
        l.sb.append(" dpid=").append(b.dpid()).append(" start=");
        l.time(b.createdMillis());
        sink.write(l.sb);
        if (raising()) {
            events.natEvent(NatEvent.block(true, b.createdMillis(), b.dpid().value(), b.inside(), b.address(),
                    b.first(), b.last()));
        }
    }

    /** A port block was released. */
    public void blockReleased(PortBlock b, String reason) {
        Line l = start("nat-block-released", b.id());
        block(l, b);
        l.sb.append(" start=");
        l.time(b.createdMillis());
        long end = endNow(l, reason);
        if (raising()) {
            events.natEvent(NatEvent.block(false, end, b.dpid().value(), b.inside(), b.address(), b.first(),
                    b.last()));
        }
    }

    private Line start(String event, long id) {
        Line l = LINES.get();
        l.sb.setLength(0);
        l.time(clock.millis());
        l.sb.append(" event=").append(event).append(" id=").append(id);
        return l;
    }

    /** Ends a record of something that ended now, and writes it; returns the end's time. */
    private long endNow(Line l, String reason) {
        long end = clock.millis();
        l.sb.append(" end=");
        l.time(end);
        l.sb.append(" reason=").append(reason);
        sink.write(l.sb);
        return end;
    }

    private static void mapping(Line l, NatSession s) {
        use(l, s.protocol(), s.insideAddress(), s.insidePort(), s.publicAddress(), s.publicPort(), s.createdMillis());
    }

    private static void block(Line l, PortBlock b) {
        l.sb.append(" inside=");
        address(l.sb, b.inside());
        l.sb.append(" public=");
        address(l.sb, b.address());
        l.sb.append(" ports=").append(b.first()).append('-').append(b.last());
    }

    private static void address(StringBuilder sb, IPv4Address a) {
        int v = a.getInt();
        sb.append(v >>> 24).append('.').append((v >>> 16) & 0xff).append('.').append((v >>> 8) & 0xff).append('.')
                .append(v & 0xff);
    }

    /** One thread's line buffer, with the text of the last second it formatted. */
    private static final class Line {
        final StringBuilder sb = new StringBuilder(192);
        long second = Long.MIN_VALUE;
        String secondText = "";

        /** Appends {@code millis} as ISO-8601 UTC, always to the millisecond (fixed width). */
        void time(long millis) {
            long s = Math.floorDiv(millis, 1000L);
            if (s != second) {
                // yyyy-MM-ddTHH:mm:ss, once per second and thread
                secondText = LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC).withNano(0).toString();
                if (secondText.length() == 16) {
                    secondText += ":00"; // LocalDateTime leaves out zero seconds
                }
                second = s;
            }
            int ms = (int) Math.floorMod(millis, 1000L);
            sb.append(secondText).append('.').append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10))
                    .append((char) ('0' + ms % 10)).append('Z');
        }
    }
}
