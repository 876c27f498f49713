package org.natflow.controller.api;

import java.util.List;

/**
 * Outcome of a batch of messages that ended with a barrier: every message before the barrier was
 * processed by the switch, and these are the ones it refused.
 *
 * @param sent   how many messages the batch carried (without the barrier)
 * @param errors the refused messages, in batch order; empty when all succeeded
 */
public record FlowBatchResult(int sent, List<FlowError> errors) {

    public FlowBatchResult {
        errors = List.copyOf(errors);
    }

    public boolean ok() {
        return errors.isEmpty();
    }
}
