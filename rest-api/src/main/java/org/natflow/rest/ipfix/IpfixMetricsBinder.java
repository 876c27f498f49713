package org.natflow.rest.ipfix;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.services.ipfix.IpfixExporter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/**
 * Meters of the IPFIX export: {@code natflow.ipfix.records.sent}, {@code natflow.ipfix.records.dropped{reason}}
 * (queue-full, rate, throttled, send-failed), {@code natflow.ipfix.messages.sent},
 * {@code natflow.ipfix.templates.sent} and {@code natflow.ipfix.queue} (records waiting).
 */
@Component
@ConditionalOnExpression("!'${natflow.ipfix.collectors:}'.isBlank()")
public class IpfixMetricsBinder implements MeterBinder {

    private final IpfixExporter exporter;

    public IpfixMetricsBinder(IpfixExporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        FunctionCounter.builder("natflow.ipfix.records.sent", exporter, IpfixExporter::recordsSent)
                .description("NAT event records sent to the collectors (each collector counted)").register(r);
        dropped(r, "queue-full", exporter.droppedQueueFull);
        dropped(r, "rate", exporter.droppedRate);
        dropped(r, "throttled", exporter.droppedThrottled);
        FunctionCounter.builder("natflow.ipfix.records.dropped", exporter, IpfixExporter::recordsLost)
                .tag("reason", "send-failed").description("NAT event records not exported").register(r);
        FunctionCounter.builder("natflow.ipfix.messages.sent", exporter, IpfixExporter::messagesSent)
                .description("IPFIX messages sent").register(r);
        FunctionCounter.builder("natflow.ipfix.templates.sent", exporter, IpfixExporter::templatesSent)
                .description("IPFIX template sets sent (start, new domains, refreshes)").register(r);
        Gauge.builder("natflow.ipfix.queue", exporter, IpfixExporter::queued)
                .description("NAT event records waiting for the export thread").register(r);
    }

    private static void dropped(MeterRegistry r, String reason, AtomicLong counter) {
        FunctionCounter.builder("natflow.ipfix.records.dropped", counter, AtomicLong::get).tag("reason", reason)
                .description("NAT event records not exported").register(r);
    }
}
