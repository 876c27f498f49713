package org.natflow.rest.intercept;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.apps.intercept.InterceptService;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.intercept.InterceptMetrics;
import org.natflow.services.intercept.InterceptPolicy;
import org.natflow.services.intercept.InterceptServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Transparent-proxy meters: {@code natflow.intercept.steered{outcome}} (first packets of matched connections:
 * {@code spliced}, {@code napt} fallback, {@code refused} fallback), and with the splicer running
 * {@code natflow.intercept.connections} (open), {@code natflow.intercept.verdicts{verdict}},
 * {@code natflow.intercept.rejected}, {@code natflow.intercept.unreachable} and
 * {@code natflow.intercept.bytes{direction}} (of closed connections).
 */
@Component
@Conditional(NatEnabledCondition.class)
public class InterceptMetricsBinder implements MeterBinder {

    private final InterceptService rules;
    private final ObjectProvider<InterceptServer> splicer;

    public InterceptMetricsBinder(InterceptService rules, ObjectProvider<InterceptServer> splicer) {
        this.rules = rules;
        this.splicer = splicer;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        FunctionCounter.builder("natflow.intercept.steered", rules.intercepted, AtomicLong::get)
                .tag("outcome", "spliced").register(r);
        FunctionCounter.builder("natflow.intercept.steered", rules.fellBack, AtomicLong::get)
                .tag("outcome", "napt").register(r);
        FunctionCounter.builder("natflow.intercept.steered", rules.refused, AtomicLong::get)
                .tag("outcome", "refused").register(r);
        InterceptServer s = splicer.getIfAvailable();
        if (s == null) {
            return;
        }
        InterceptMetrics m = s.metrics();
        Gauge.builder("natflow.intercept.connections", s, InterceptServer::connectionCount).register(r);
        for (InterceptPolicy.Verdict v : InterceptPolicy.Verdict.values()) {
            if (v != InterceptPolicy.Verdict.PENDING) {
                FunctionCounter.builder("natflow.intercept.verdicts", m.verdict(v), LongAdder::sum)
                        .tag("verdict", v.label()).register(r);
            }
        }
        FunctionCounter.builder("natflow.intercept.rejected", m.rejected, LongAdder::sum).register(r);
        FunctionCounter.builder("natflow.intercept.unreachable", m.unreachable, LongAdder::sum).register(r);
        FunctionCounter.builder("natflow.intercept.bytes", m.bytesOut, LongAdder::sum).tag("direction", "out")
                .register(r);
        FunctionCounter.builder("natflow.intercept.bytes", m.bytesIn, LongAdder::sum).tag("direction", "in")
                .register(r);
    }
}
