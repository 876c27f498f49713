package org.natflow.rest.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.controller.api.SwitchService;
import org.natflow.controller.core.ControllerMetrics;
import org.natflow.controller.core.OpenFlowController;
import org.springframework.stereotype.Component;

/**
 * The OpenFlow core's meters, declared in one place:
 * <ul>
 * <li>{@code natflow.switches.connected} gauge</li>
 * <li>{@code natflow.packetin.reason{reason=no_match|action|invalid_ttl|...}} packet-ins received;
 * {@code natflow.packetin{queue=control|data}} packet-ins queued; {@code natflow.packetin.dropped} queue
 * full; {@code natflow.packetin.malformed} not Ethernet</li>
 * <li>{@code natflow.openflow.messages.skipped}, {@code natflow.openflow.connections.rejected},
 * {@code natflow.openflow.handshake.failures}, {@code natflow.openflow.request.timeouts}</li>
 * <li>{@code natflow.flowmod.sent}, {@code natflow.flowmod.errors}; {@code natflow.flowmod.latency}: time from
 * sending a batch to its barrier reply, a histogram (Prometheus buckets: p50, p99 with histogram_quantile)</li>
 * </ul>
 */
@Component
public class ControllerMetricsBinder implements MeterBinder {

    private final ControllerMetrics m;
    private final SwitchService switches;

    public ControllerMetricsBinder(OpenFlowController controller) {
        this.m = controller.metrics();
        this.switches = controller.switches();
    }

    @Override
    public void bindTo(MeterRegistry r) {
        Gauge.builder("natflow.switches.connected", switches, s -> s.switches().size())
                .description("Switches with a completed handshake").register(r);
        counter(r, "natflow.packetin", m.packetInControl, "Packet-ins queued", "queue", "control");
        counter(r, "natflow.packetin", m.packetInData, "Packet-ins queued", "queue", "data");
        m.packetInByReason.forEach((reason, adder) -> counter(r, "natflow.packetin.reason", adder,
                "Packet-ins by the switch's reason", "reason", reason.name().toLowerCase()));
        counter(r, "natflow.packetin.dropped", m.packetInDropped, "Packet-ins dropped: queue full");
        counter(r, "natflow.packetin.malformed", m.packetInMalformed, "Packet-ins whose data is not Ethernet");
        counter(r, "natflow.openflow.messages.skipped", m.messagesSkipped, "Undecodable messages skipped");
        counter(r, "natflow.openflow.connections.rejected", m.connectionsRejected,
                "Connections closed for garbage input");
        counter(r, "natflow.openflow.handshake.failures", m.handshakeFailures, "Handshakes failed or timed out");
        counter(r, "natflow.openflow.request.timeouts", m.requestTimeouts, "Barrier or stats replies not in time");
        counter(r, "natflow.openflow.replies.oversized", m.repliesOversized,
                "Statistics replies past the bound (the switch was disconnected)");
        counter(r, "natflow.openflow.switches.refused", m.switchesRefused,
                "Switches refused: a dpid outside the allow list, or a plain-TCP replacement from another host");
        counter(r, "natflow.openflow.ports.refused", m.portsRefused, "Ports beyond the bound per switch, ignored");
        counter(r, "natflow.openflow.port.events.coalesced", m.portEventsCoalesced,
                "Port changes folded into a change of the same port still waiting for delivery");
        counter(r, "natflow.flowmod.sent", m.flowMessagesSent, "Messages sent in flow batches");
        counter(r, "natflow.flowmod.errors", m.flowErrors, "Errors switches returned for flow batch messages");
        // A histogram (Prometheus buckets) for p50/p99, from 10 us to 10 s.
        Timer latency = Timer.builder("natflow.flowmod.latency").description("Flow batch send to barrier reply")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(r);
        m.onBatchLatency(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
    }

    private static void counter(MeterRegistry r, String name, LongAdder adder, String description, String... tags) {
        FunctionCounter.builder(name, adder, LongAdder::sum).description(description).tags(tags).register(r);
    }
}
