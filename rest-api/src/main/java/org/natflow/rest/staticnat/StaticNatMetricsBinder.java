package org.natflow.rest.staticnat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.apps.staticnat.StaticNatMetrics;
import org.natflow.apps.staticnat.StaticNatService;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Static NAT meters: {@code natflow.staticnat.rules}, {@code natflow.staticnat.remotes} (let back in now),
 * {@code natflow.staticnat.remotes.learned} and {@code .refused}, {@code natflow.staticnat.icmp{result}}.
 */
@Component
@Conditional(NatEnabledCondition.class)
public class StaticNatMetricsBinder implements MeterBinder {

    private final StaticNatService statics;

    public StaticNatMetricsBinder(StaticNatService statics) {
        this.statics = statics;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        StaticNatMetrics m = statics.metrics();
        Gauge.builder("natflow.staticnat.rules", statics, s -> s.all().size()).description("Static NAT rules")
                .register(r);
        Gauge.builder("natflow.staticnat.remotes", statics, StaticNatService::remotes)
                .description("Remotes let back in to hosts with an allow list").register(r);
        FunctionCounter.builder("natflow.staticnat.remotes.learned", m.remotesLearned, LongAdder::sum)
                .description("Remotes let back in because the host sent to them").register(r);
        FunctionCounter.builder("natflow.staticnat.remotes.refused", m.remotesRefused, LongAdder::sum)
                .description("Remotes not let back in: the rule had the most it may").register(r);
        FunctionCounter.builder("natflow.staticnat.icmp", m.icmpTranslated, LongAdder::sum).tag("result", "translated")
                .description("ICMP errors about static addresses").register(r);
        FunctionCounter.builder("natflow.staticnat.icmp", m.icmpDropped, LongAdder::sum).tag("result", "dropped")
                .description("ICMP errors about static addresses").register(r);
    }
}
