package org.natflow.controller.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** Programs switches' flow tables and reports flows they remove. */
public interface FlowService {

    /**
     * Sends the messages (usually flow-mods) to the switch in order, followed by one barrier, in a single
     * write. The future completes when the barrier reply arrives, with every error the switch sent for a
     * message of the batch; exceptionally with {@link SwitchNotConnectedException} if the switch is gone or
     * goes away first, or with a {@link java.util.concurrent.TimeoutException} if the barrier reply does not
     * come in time. The messages' xids are replaced by the controller's.
     */
    CompletableFuture<FlowBatchResult> apply(Dpid dpid, List<? extends OFMessage> messages);

    /** Subscribes to flow-removed messages (flows installed with SEND_FLOW_REM). */
    void addFlowRemovedListener(FlowRemovedListener listener);

    void removeFlowRemovedListener(FlowRemovedListener listener);
}
