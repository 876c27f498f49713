package org.natflow.apps.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowBatchResult;
import org.natflow.controller.api.FlowRemovedListener;
import org.natflow.controller.api.FlowService;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** An in-memory FlowService that records batches and reports success; a flow outside the pipeline fails the test. */
public final class RecordingFlowService implements FlowService {

    /** A recorded batch. */
    public record Batch(Dpid dpid, List<OFMessage> messages) {
    }

    public final List<Batch> batches = new ArrayList<>();
    public final List<FlowRemovedListener> listeners = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<FlowBatchResult> apply(Dpid dpid, List<? extends OFMessage> messages) {
        PipelineCheck.inBands(messages);
        batches.add(new Batch(dpid, List.copyOf(messages)));
        return CompletableFuture.completedFuture(new FlowBatchResult(messages.size(), List.of()));
    }

    @Override
    public void addFlowRemovedListener(FlowRemovedListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeFlowRemovedListener(FlowRemovedListener listener) {
        listeners.remove(listener);
    }
}
