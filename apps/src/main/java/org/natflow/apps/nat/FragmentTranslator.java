package org.natflow.apps.nat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.TcpSegment;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The slow path for IP fragments (RFC 4787 REQ-14, RFC 7857 section 3.6). Switches that match fragments with
 * L4 ports zero (Open vSwitch's normal fragment handling) send every fragment of a translated flow here. The
 * first fragment carries the ports: it is translated like any packet, and the datagram's id is remembered so
 * its later fragments get the same addresses. Later fragments that arrive before their first are held
 * briefly. Nothing leaves untranslated: a fragment whose datagram cannot be placed is dropped.
 */
final class FragmentTranslator {

    /** A datagram: sender, receiver (as seen on the wire where the fragment arrived), protocol, IP id. */
    record Key(IPv4Address src, IPv4Address dst, int protocol, int id) {
        static Key of(Ipv4Packet ip) {
            return new Key(ip.src(), ip.dst(), ip.protocol(), ip.identification());
        }
    }

    /** Where a datagram's fragments go: the session, and whether its source (outbound) or destination changes. */
    record Placement(NatSession session, boolean outbound, long atNanos) {
    }

    private record Held(byte[] frame, long atNanos) {
    }

    private static final long KEEP_NANOS = 30_000_000_000L;
    private static final long HOLD_NANOS = 2_000_000_000L;

    private final Map<Key, Placement> placed = new ConcurrentHashMap<>();
    private final Map<Key, List<Held>> held = new ConcurrentHashMap<>();

    /** Records where a first fragment went; returns later fragments that were waiting for it. */
    synchronized List<byte[]> place(Key key, NatSession session, boolean outbound, long now) {
        placed.put(key, new Placement(session, outbound, now));
        List<Held> waiting = held.remove(key);
        List<byte[]> out = new ArrayList<>();
        if (waiting != null) {
            waiting.forEach(h -> out.add(h.frame()));
        }
        return out;
    }

    /** Where a later fragment goes, if its first fragment has been seen. */
    Placement placement(Key key) {
        return placed.get(key);
    }

    /**
     * Where a later fragment goes; if its first fragment has not been seen, the fragment is held and null
     * returned. Atomic with {@link #place}, so no fragment is held after its first has been placed.
     */
    synchronized Placement placeOrHold(Key key, byte[] frame, long now) {
        Placement p = placed.get(key);
        if (p == null) {
            hold(key, frame, now);
        }
        return p;
    }

    /** Keeps a later fragment until its first fragment arrives (bounded per datagram). */
    void hold(Key key, byte[] frame, long now) {
        List<Held> list = held.computeIfAbsent(key, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
        if (list.size() < 64) {
            list.add(new Held(frame, now));
        }
    }

    /** Datagrams placed or waiting. */
    synchronized int size() {
        return placed.size() + held.size();
    }

    /** Forgets old datagrams; returns how many held fragments were dropped. */
    synchronized int expire(long now) {
        placed.values().removeIf(p -> now - p.atNanos() > KEEP_NANOS);
        int[] dropped = {0};
        held.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                boolean old = e.getValue().isEmpty() || now - e.getValue().get(0).atNanos() > HOLD_NANOS;
                if (old) {
                    dropped[0] += e.getValue().size();
                }
                return old;
            }
        });
        return dropped[0];
    }

    /**
     * Rewrites a first fragment's source (outbound) or destination (inbound) address and port, adjusting the
     * IPv4 header checksum and, incrementally, the transport checksum. Decrements the TTL.
     */
    static void rewriteFirst(byte[] f, Ipv4Packet ip, boolean source, IPv4Address addr, int port) {
        int l4 = ip.offset() + ip.headerLength();
        int addrAt = ip.offset() + (source ? 12 : 16);
        int oldHi = IcmpRewriter.u16(f, addrAt);
        int oldLo = IcmpRewriter.u16(f, addrAt + 2);
        int portAt = l4 + (source ? 0 : 2);
        int oldPort = IcmpRewriter.u16(f, portAt);
        IcmpRewriter.putShort(f, portAt, port);
        int sumAt = ip.transport() instanceof UdpDatagram ? l4 + 6 : ip.transport() instanceof TcpSegment
                && f.length >= l4 + 18 ? l4 + 16 : -1;
        if (sumAt >= 0 && !(ip.transport() instanceof UdpDatagram && IcmpRewriter.u16(f, sumAt) == 0)) {
            int sum = IcmpRewriter.u16(f, sumAt);
            sum = IcmpRewriter.adjust(sum, oldHi, addr.getInt() >>> 16);
            sum = IcmpRewriter.adjust(sum, oldLo, addr.getInt() & 0xffff);
            sum = IcmpRewriter.adjust(sum, oldPort, port);
            IcmpRewriter.putShort(f, sumAt, sum);
        }
        IcmpRewriter.rewriteOuter(f, ip.offset(), source ? addr : null, source ? null : addr);
    }

    /** Rewrites a later fragment's source or destination address (it has no transport header). */
    static void rewriteLater(byte[] f, Ipv4Packet ip, boolean source, IPv4Address addr) {
        IcmpRewriter.rewriteOuter(f, ip.offset(), source ? addr : null, source ? null : addr);
    }
}
