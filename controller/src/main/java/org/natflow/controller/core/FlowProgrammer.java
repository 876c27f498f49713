package org.natflow.controller.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowBatchResult;
import org.natflow.controller.api.FlowRemovedListener;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.NamedThreads;
import org.natflow.controller.api.SwitchNotConnectedException;
import org.projectfloodlight.openflow.protocol.OFFlowRemoved;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends flow batches through the switch sessions and delivers flow-removed messages to listeners. */
public final class FlowProgrammer implements FlowService {

    private static final Logger log = LoggerFactory.getLogger(FlowProgrammer.class);

    private final SwitchRegistry registry;
    private final Duration timeout;
    private final List<FlowRemovedListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService removals = Executors.newSingleThreadExecutor(new NamedThreads("natflow-flowrem"));

    public FlowProgrammer(SwitchRegistry registry, Duration timeout) {
        this.registry = registry;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<FlowBatchResult> apply(Dpid dpid, List<? extends OFMessage> messages) {
        return registry.session(dpid)
                .map(s -> s.sendBatch(messages, timeout))
                .orElseGet(() -> CompletableFuture.failedFuture(new SwitchNotConnectedException(dpid)));
    }

    @Override
    public void addFlowRemovedListener(FlowRemovedListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeFlowRemovedListener(FlowRemovedListener listener) {
        listeners.remove(listener);
    }

    void flowRemoved(Dpid dpid, OFFlowRemoved message) {
        removals.execute(() -> {
            for (FlowRemovedListener l : listeners) {
                try {
                    l.flowRemoved(dpid, message);
                } catch (RuntimeException e) {
                    log.warn("event=flow-removed-listener-failed listener={} dpid={} error={}",
                            l.getClass().getSimpleName(), dpid, e.toString());
                }
            }
        });
    }

    void shutdown() {
        removals.shutdownNow();
    }
}
