package org.natflow.controller.core;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchService;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketIn;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenFlow core assembled: registry, packet dispatch, flow programming and statistics, and the routing
 * of messages from active switches to them. The channel layer calls {@link #messageReceived}; apps use the
 * service interfaces.
 */
public final class OpenFlowController implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenFlowController.class);

    /** How often requests awaiting a reply are checked against their deadline: the timeout's granularity. */
    static final long SWEEP_MILLIS = 50;

    private final OpenFlowSettings settings;
    private final ControllerMetrics metrics = new ControllerMetrics();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("natflow-timer"));
    private final SwitchRegistry registry;
    private final PacketInDispatcher packets;
    private final FlowProgrammer flows;
    private final StatisticsCollector statistics;

    public OpenFlowController(OpenFlowSettings settings) {
        this.settings = settings;
        this.registry = new SwitchRegistry(metrics, settings.limits().portsPerSwitch(),
                settings.access().tls().isPresent());
        this.packets = new PacketInDispatcher(registry, metrics, settings);
        this.flows = new FlowProgrammer(registry, settings.requestTimeout());
        this.statistics = new StatisticsCollector(registry, settings.requestTimeout());
        timer.scheduleWithFixedDelay(this::expireOverdue, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void expireOverdue() {
        try {
            registry.sessions().forEach(SwitchSession::expireOverdue);
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again; one failed sweep must not end all timeouts.
            log.warn("event=timeout-sweep-failed error={}", e.toString());
        }
    }

    public OpenFlowSettings settings() {
        return settings;
    }

    public ControllerMetrics metrics() {
        return metrics;
    }

    public SwitchRegistry registry() {
        return registry;
    }

    public SwitchService switches() {
        return registry;
    }

    public PacketService packets() {
        return packets;
    }

    public FlowService flows() {
        return flows;
    }

    public StatisticsService statistics() {
        return statistics;
    }

    /** Routes a message from an active switch; runs on the connection's I/O thread. */
    public void messageReceived(SwitchSession session, OFMessage message) {
        switch (message.getType()) {
            case PACKET_IN -> packets.submit(session, (OFPacketIn) message);
            case FLOW_REMOVED -> flows.flowRemoved(session.dpid(), (OFFlowRemoved) message);
            case PORT_STATUS -> registry.portStatus(session, (OFPortStatus) message);
            case BARRIER_REPLY -> {
                if (!session.onBarrierReply((OFBarrierReply) message)) {
                    log.debug("event=unexpected-barrier-reply dpid={} xid={}", session.dpid(), message.getXid());
                }
            }
            case STATS_REPLY -> {
                switch (session.onStatsReply((OFStatsReply) message)) {
                    case UNEXPECTED -> log.debug("event=unexpected-stats-reply dpid={} xid={}", session.dpid(),
                            message.getXid());
                    case OVERSIZED -> {
                        log.warn("event=switch-reply-oversized dpid={} limit={} action=disconnect", session.dpid(),
                                settings.limits().replyEntries());
                        session.close();
                    }
                    default -> { }
                }
            }
            case ERROR -> {
                if (!session.onError((OFErrorMsg) message)) {
                    log.warn("event=switch-error dpid={} xid={} error={}", session.dpid(), message.getXid(),
                            message);
                }
            }
            default -> log.debug("event=message-ignored dpid={} type={}", session.dpid(), message.getType());
        }
    }

    @Override
    public void close() {
        registry.shutdown();
        packets.shutdown();
        flows.shutdown();
        timer.shutdownNow();
    }
}
