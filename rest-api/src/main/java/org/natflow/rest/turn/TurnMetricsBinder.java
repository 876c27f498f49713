package org.natflow.rest.turn;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.natflow.services.turn.TurnServer;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * TURN meters: {@code natflow.turn.allocations} (live), {@code natflow.turn.allocations.new},
 * {@code natflow.turn.refused} (error responses) and {@code natflow.turn.malformed} (datagrams dropped).
 */
@Component
@ConditionalOnProperty(name = "natflow.turn.enabled", havingValue = "true")
@Conditional(NatEnabledCondition.class)
public class TurnMetricsBinder implements MeterBinder {

    private final TurnServer turn;

    public TurnMetricsBinder(TurnServer turn) {
        this.turn = turn;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        Gauge.builder("natflow.turn.allocations", turn, TurnServer::allocationCount).register(r);
        FunctionCounter.builder("natflow.turn.allocations.new", turn, TurnServer::allocationsCreated).register(r);
        FunctionCounter.builder("natflow.turn.refused", turn, TurnServer::refused).register(r);
        FunctionCounter.builder("natflow.turn.malformed", turn, TurnServer::malformed).register(r);
    }
}
