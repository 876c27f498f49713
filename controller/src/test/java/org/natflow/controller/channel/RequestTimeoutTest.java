package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowBatchResult;
import org.natflow.controller.api.FlowMods;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.core.OpenFlowSettings;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.EthType;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/** Requests a switch never answers fail with a timeout; answered ones never do. */
class RequestTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final OpenFlowController controller = new OpenFlowController(new OpenFlowSettings("127.0.0.1", 0,
            Duration.ofSeconds(3), Duration.ofSeconds(5), TIMEOUT, 0, 100, 100));

    @AfterEach
    void close() {
        controller.close();
    }

    private static OFMessage flow(FakeSwitch sw) {
        var b = sw.factory.buildFlowAdd().setPriority(1)
                .setMatch(sw.factory.buildMatch().setExact(MatchField.ETH_TYPE, EthType.IPv4).build());
        return FlowMods.withActions(sw.factory, b, List.of(sw.factory.actions().output(OFPort.of(1), 0))).build();
    }

    @Test
    void anUnansweredBatchTimesOutAndAnAnsweredOneDoesNot() throws Exception {
        FakeSwitch sw = FakeSwitch.active(controller, OFVersion.OF_13, 3);
        CompletableFuture<FlowBatchResult> answered = controller.flows().apply(new Dpid(3), List.of(flow(sw)));
        List<OFMessage> out = sw.drain();
        sw.send(sw.factory.buildBarrierReply().setXid(out.get(1).getXid()).build());
        long start = System.nanoTime();
        CompletableFuture<FlowBatchResult> unanswered = controller.flows().apply(new Dpid(3), List.of(flow(sw)));
        assertThatThrownBy(() -> unanswered.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not before its deadline")
                .isGreaterThanOrEqualTo(TIMEOUT);
        assertThat(answered.get(1, TimeUnit.SECONDS).ok()).isTrue();
        assertThat(controller.metrics().requestTimeouts.sum()).isEqualTo(1);
    }

    @Test
    void anUnansweredStatisticsRequestTimesOut() {
        FakeSwitch sw = FakeSwitch.active(controller, OFVersion.OF_13, 4);
        CompletableFuture<List<OFFlowStatsEntry>> stats = controller.statistics().flowStats(new Dpid(4), U64.ZERO,
                U64.ZERO);
        assertThat(sw.drain()).extracting(OFMessage::getType).containsExactly(OFType.STATS_REQUEST);
        assertThatThrownBy(() -> stats.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(controller.metrics().requestTimeouts.sum()).isEqualTo(1);
    }
}
