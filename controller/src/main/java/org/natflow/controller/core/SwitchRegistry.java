package org.natflow.controller.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.LogLimiter;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchListener;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.api.SwitchService;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active switch sessions by dpid, and their events. A switch that connects again with the same dpid
 * replaces its old session: the old connection is closed and reported disconnected before the new one is
 * reported connected, and the old connection's late close does not touch the new session.
 */
public final class SwitchRegistry implements SwitchService {

    private static final Logger log = LoggerFactory.getLogger(SwitchRegistry.class);

    private final Map<Dpid, SwitchSession> sessions = new ConcurrentHashMap<>();
    private final List<SwitchListener> listeners = new CopyOnWriteArrayList<>();
    // Switches whose CONNECTED has been delivered and DISCONNECTED not yet: touched only on the event thread,
    // so a new listener's replay matches exactly the events it missed.
    private final Map<Dpid, SwitchInfo> announced = new java.util.HashMap<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(new NamedThreads("natflow-events"));
    private final ControllerMetrics metrics;
    private final int portsPerSwitch;
    private final LogLimiter portLog = new LogLimiter(20, Duration.ofSeconds(10));

    private final boolean authenticatedPeers;

    /**
     * A registry counting into {@code metrics}, keeping at most {@code portsPerSwitch} ports per switch.
     *
     * @param authenticatedPeers whether every connection proved who it is (TLS with switch certificates)
     */
    public SwitchRegistry(ControllerMetrics metrics, int portsPerSwitch, boolean authenticatedPeers) {
        this.metrics = metrics;
        this.portsPerSwitch = portsPerSwitch;
        this.authenticatedPeers = authenticatedPeers;
    }

    private static String host(String address) {
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    /**
     * Registers a session whose handshake completed. A second connection claiming a connected switch's dpid
     * replaces it (the switch reconnected before its old connection was noticed gone) only if it is authenticated
     * (TLS) or comes from the same host: over plain TCP, anyone else claiming the dpid is refused, so no one can
     * take a border over and have its flow table read as empty. The real switch, if its old connection is dead,
     * gets in once that connection is found silent.
     *
     * @return false if the session was refused (and closed)
     */
    public boolean activate(SwitchSession session) {
        SwitchSession current = sessions.get(session.dpid());
        if (current != null && current != session && !authenticatedPeers
                && !host(current.info().address()).equals(host(session.info().address()))) {
            metrics.switchesRefused.increment();
            log.warn("event=switch-refused dpid={} remote={} reason=\"dpid connected from {}; a replacement over plain"
                    + " TCP must come from the same host\"", session.dpid(), session.info().address(),
                    current.info().address());
            session.close();
            return false;
        }
        SwitchSession old = sessions.put(session.dpid(), session);
        if (old != null && old != session) {
            log.info("event=switch-replaced dpid={} old={} new={}", session.dpid(), old.info().address(),
                    session.info().address());
            old.closed();
            old.close();
            post(SwitchEvent.of(SwitchEvent.Type.DISCONNECTED, old.info()));
        }
        log.info("event=switch-connected dpid={} version={} address={} ports={}", session.dpid(),
                session.version(), session.info().address(), session.info().ports().size());
        post(SwitchEvent.of(SwitchEvent.Type.CONNECTED, session.info()));
        return true;
    }

    /** Reports a session's connection closed. */
    public void closed(SwitchSession session, String reason) {
        session.closed();
        if (sessions.remove(session.dpid(), session)) {
            log.info("event=switch-disconnected dpid={} reason={}", session.dpid(), reason);
            post(SwitchEvent.of(SwitchEvent.Type.DISCONNECTED, session.info()));
        }
    }

    /**
     * Applies a port-status message and reports the change. Constant work on the connection's thread whatever
     * the switch sends: the port map is updated, and a delivery is queued only if none is waiting for that port
     * already (a flood of changes to one port is one event with its latest state; the switch snapshot is taken
     * when the event is delivered). Ports beyond the bound per switch are ignored and counted.
     */
    void portStatus(SwitchSession session, OFPortStatus status) {
        SwitchPort port = SwitchPort.of(status.getDesc());
        SwitchEvent.Type type = switch (status.getReason()) {
            case ADD -> SwitchEvent.Type.PORT_ADDED;
            case DELETE -> SwitchEvent.Type.PORT_REMOVED;
            default -> SwitchEvent.Type.PORT_MODIFIED;
        };
        if (type == SwitchEvent.Type.PORT_REMOVED) {
            session.removePort(port.number());
        } else if (!session.hasPort(port.number()) && session.portCount() >= portsPerSwitch) {
            metrics.portsRefused.increment();
            long left = portLog.permit();
            if (left >= 0) {
                log.warn("event=port-refused dpid={} port={} reason=\"more than {} ports\" suppressed={}",
                        session.dpid(), port.number(), portsPerSwitch, left);
            }
            return;
        } else {
            session.putPort(port);
        }
        long left = portLog.permit();
        if (left >= 0) {
            log.info("event=port-status dpid={} port={} name={} change={} up={} suppressed={}", session.dpid(),
                    port.number(), port.name(), type, port.up(), left);
        }
        if (!session.pendPortEvent(port, type)) {
            metrics.portEventsCoalesced.increment();
            return;
        }
        if (!events.isShutdown()) {
            events.execute(() -> {
                SwitchSession.PortChange change = session.takePortEvent(port.number());
                if (change != null && sessions.get(session.dpid()) == session) {
                    SwitchEvent event = SwitchEvent.of(change.type(), session.info(), change.port());
                    listeners.forEach(l -> deliver(l, event));
                }
            });
        }
    }

    /** Every active session. */
    java.util.Collection<SwitchSession> sessions() {
        return sessions.values();
    }

    /** The active session of a switch. */
    public Optional<SwitchSession> session(Dpid dpid) {
        return Optional.ofNullable(sessions.get(dpid));
    }

    @Override
    public List<SwitchInfo> switches() {
        return sessions.values().stream().map(SwitchSession::info)
                .sorted((a, b) -> a.dpid().compareTo(b.dpid())).toList();
    }

    @Override
    public Optional<SwitchInfo> get(Dpid dpid) {
        return session(dpid).map(SwitchSession::info);
    }

    @Override
    public void addListener(SwitchListener listener) {
        // On the event thread, so the replay of current switches and later events cannot interleave.
        events.execute(() -> {
            listeners.add(listener);
            for (SwitchInfo info : announced.values()) {
                deliver(listener, SwitchEvent.of(SwitchEvent.Type.CONNECTED, info));
            }
        });
    }

    @Override
    public void removeListener(SwitchListener listener) {
        listeners.remove(listener);
    }

    /** Closes every session and stops event delivery. */
    public void shutdown() {
        sessions.values().forEach(SwitchSession::close);
        events.shutdown();
    }

    private void post(SwitchEvent event) {
        if (!events.isShutdown()) {
            events.execute(() -> {
                switch (event.type()) {
                    case CONNECTED -> announced.put(event.sw().dpid(), event.sw());
                    case DISCONNECTED -> announced.remove(event.sw().dpid());
                    default -> { }
                }
                listeners.forEach(l -> deliver(l, event));
            });
        }
    }

    private static void deliver(SwitchListener listener, SwitchEvent event) {
        try {
            listener.event(event);
        } catch (RuntimeException e) {
            log.warn("event=listener-failed listener={} switch-event={} dpid={} error={}",
                    listener.getClass().getSimpleName(), event.type(), event.sw().dpid(), e.toString());
        }
    }
}
