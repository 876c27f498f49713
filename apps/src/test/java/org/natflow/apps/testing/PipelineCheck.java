package org.natflow.apps.testing;

import java.util.List;
import org.natflow.apps.Pipeline;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** Fails a test whose app adds a flow outside every band of {@link Pipeline}. */
public final class PipelineCheck {

    private PipelineCheck() {
    }

    /** Every flow-add of a batch is in the band of its table, priority and cookie's app. */
    public static void inBands(List<? extends OFMessage> messages) {
        for (OFMessage m : messages) {
            if (m instanceof OFFlowAdd add && Pipeline.bandOf(add).isEmpty()) {
                throw new AssertionError("a flow outside the pipeline's bands: " + add);
            }
        }
    }
}
