package org.natflow.controller.core;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchNotConnectedException;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands packet-ins, parsed, to the listeners in priority order. By default ({@code packetInThreads} 0) on
 * the switch connection's own I/O thread, run to completion: no queue and no thread hand-off, the listeners'
 * flow-mods and packet-outs are written on that thread and leave in one flush per read, and a switch's
 * packet-ins are handled in the order it sent them. Listeners must therefore never block (they answer with
 * futures). With worker threads instead, packet-ins move off the I/O threads: ARP and LLDP to a queue of their
 * own with its own thread, so a flood of new-flow packet-ins cannot starve them, the rest to the workers. Both
 * queues are bounded: past the bound a packet-in is dropped and counted, never queued without limit.
 */
public final class PacketInDispatcher implements PacketService {

    private static final Logger log = LoggerFactory.getLogger(PacketInDispatcher.class);

    private record Registration(int priority, long order, PacketListener listener) {
    }

    private final SwitchRegistry registry;
    private final ControllerMetrics metrics;
    private final List<Registration> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong order = new AtomicLong();
    private final ThreadPoolExecutor control;
    private final ThreadPoolExecutor data;

    public PacketInDispatcher(SwitchRegistry registry, ControllerMetrics metrics, OpenFlowSettings settings) {
        this.registry = registry;
        this.metrics = metrics;
        if (settings.packetInThreads() == 0) {
            this.control = null;
            this.data = null;
            return;
        }
        this.control = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.controlQueue()), new NamedThreads("natflow-pktin-ctl"));
        this.data = new ThreadPoolExecutor(settings.packetInThreads(), settings.packetInThreads(), 0,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.packetInQueue()),
                new NamedThreads("natflow-pktin"));
    }

    /**
     * Handles a packet-in on the calling I/O thread, or queues it for the workers (then it does no more than
     * classify by EtherType).
     */
    void submit(SwitchSession session, OFPacketIn packetIn) {
        metrics.packetInByReason.get(packetIn.getReason()).increment();
        int etherType = PacketParser.etherType(packetIn.getData());
        boolean isControl = etherType == EthernetFrame.TYPE_ARP || etherType == EthernetFrame.TYPE_LLDP;
        if (data == null) {
            (isControl ? metrics.packetInControl : metrics.packetInData).increment();
            handle(session, packetIn);
            return;
        }
        try {
            (isControl ? control : data).execute(() -> handle(session, packetIn));
            (isControl ? metrics.packetInControl : metrics.packetInData).increment();
        } catch (RejectedExecutionException e) {
            metrics.packetInDropped.increment();
        }
    }

    private static org.projectfloodlight.openflow.protocol.match.Match match(OFPacketIn packetIn) {
        // OpenFlow 1.0 packet-ins carry no match (Loxi throws for it: asked of every such packet-in otherwise).
        return packetIn.getVersion() == org.projectfloodlight.openflow.protocol.OFVersion.OF_10 ? null
                : packetIn.getMatch();
    }

    private void handle(SwitchSession session, OFPacketIn packetIn) {
        EthernetFrame frame = PacketParser.parse(packetIn.getData());
        if (frame == null) {
            metrics.packetInMalformed.increment();
            log.debug("event=packet-in-malformed dpid={} length={}", session.dpid(), packetIn.getData().length);
            return;
        }
        PacketContext context = new PacketContext(session.dpid(), session.version(), inPort(packetIn),
                packetIn.getReason(), tableId(packetIn), cookie(packetIn), frame, match(packetIn));
        for (Registration r : listeners) {
            try {
                if (r.listener().onPacket(context)) {
                    return;
                }
            } catch (RuntimeException e) {
                log.warn("event=packet-listener-failed listener={} dpid={} error={}",
                        r.listener().getClass().getSimpleName(), session.dpid(), e.toString());
            }
        }
    }

    @Override
    public void addListener(int priority, PacketListener listener) {
        listeners.add(new Registration(priority, order.incrementAndGet(), listener));
        // CopyOnWriteArrayList cannot sort in place atomically with add; listeners are added at start-up.
        List<Registration> sorted = listeners.stream()
                .sorted(Comparator.comparingInt(Registration::priority).thenComparingLong(Registration::order))
                .toList();
        listeners.clear();
        listeners.addAll(sorted);
    }

    @Override
    public void removeListener(PacketListener listener) {
        listeners.removeIf(r -> r.listener() == listener);
    }

    @Override
    public void packetOut(Dpid dpid, OFPort inPort, List<OFAction> actions, byte[] frame) {
        SwitchSession session = registry.session(dpid).orElseThrow(() -> new SwitchNotConnectedException(dpid));
        OFFactory f = session.factory();
        OFPacketOut.Builder b = f.buildPacketOut().setBufferId(OFBufferId.NO_BUFFER).setActions(actions)
                .setData(frame);
        if (f.getVersion().compareTo(OFVersion.OF_15) >= 0) {
            b.setMatch(f.buildMatch().setExact(MatchField.IN_PORT, inPort).build());
        } else {
            b.setInPort(inPort);
        }
        session.send(b.build());
    }

    /** Stops the worker threads, if any. */
    public void shutdown() {
        if (data != null) {
            control.shutdownNow();
            data.shutdownNow();
        }
    }

    private static OFPort inPort(OFPacketIn pi) {
        if (pi.getVersion() == OFVersion.OF_10) {
            return pi.getInPort();
        }
        OFPort port = pi.getMatch().get(MatchField.IN_PORT);
        return port != null ? port : OFPort.ANY;
    }

    private static TableId tableId(OFPacketIn pi) {
        return pi.getVersion() == OFVersion.OF_10 ? TableId.ZERO : pi.getTableId();
    }

    private static U64 cookie(OFPacketIn pi) {
        return pi.getVersion().compareTo(OFVersion.OF_13) >= 0 ? pi.getCookie() : U64.ZERO;
    }
}
