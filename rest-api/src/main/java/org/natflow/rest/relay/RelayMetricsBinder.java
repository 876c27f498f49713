package org.natflow.rest.relay;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.natflow.apps.relay.RelayService;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/** Relay meters: {@code natflow.relay.rules} and {@code natflow.relay.packetin} (relay packets the controller saw). */
@Component
@Conditional(NatEnabledCondition.class)
public class RelayMetricsBinder implements MeterBinder {

    private final RelayService relays;

    public RelayMetricsBinder(RelayService relays) {
        this.relays = relays;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        Gauge.builder("natflow.relay.rules", relays, RelayService::size).description("Relay rules").register(r);
        FunctionCounter.builder("natflow.relay.packetin", relays, RelayService::packetIns)
                .description("Relay packets that reached the controller").register(r);
    }
}
