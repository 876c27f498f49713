package org.natflow.rest.topology;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.natflow.apps.fabric.FabricService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Fabric meters: {@code natflow.fabric.links} (link directions), {@code natflow.fabric.hosts},
 * {@code natflow.fabric.recomputations} and {@code natflow.fabric.flowmods} (forwarding flow-mods they sent).
 */
@Component
@ConditionalOnProperty(name = "natflow.fabric.enabled", havingValue = "true")
public class FabricMetricsBinder implements MeterBinder {

    private final FabricService fabric;

    public FabricMetricsBinder(FabricService fabric) {
        this.fabric = fabric;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        Gauge.builder("natflow.fabric.links", fabric, FabricService::linkCount)
                .description("Discovered links between switches, one per direction").register(r);
        Gauge.builder("natflow.fabric.hosts", fabric, FabricService::hostCount)
                .description("Hosts seen on edge ports").register(r);
        FunctionCounter.builder("natflow.fabric.recomputations", fabric, FabricService::recomputations)
                .description("Path recomputations").register(r);
        FunctionCounter.builder("natflow.fabric.flowmods", fabric, FabricService::flowModsSent)
                .description("Forwarding flow-mods sent by recomputations").register(r);
    }
}
