package org.natflow.rest.proxy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.proxy.ProxyMetrics;
import org.natflow.services.proxy.ProxyServer;
import org.natflow.services.proxy.Refusal;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Proxy meters: {@code natflow.proxy.tunnels} (open), {@code natflow.proxy.tunnels.opened},
 * {@code natflow.proxy.refused{reason}}, {@code natflow.proxy.bytes{direction}} (of closed tunnels) and
 * {@code natflow.proxy.connect.latency} (request to outside connection up).
 */
@Component
@ConditionalOnProperty(name = "natflow.proxy.enabled", havingValue = "true")
@Conditional(NatEnabledCondition.class)
public class ProxyMetricsBinder implements MeterBinder {

    private final ProxyServer proxy;

    public ProxyMetricsBinder(ProxyServer proxy) {
        this.proxy = proxy;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        ProxyMetrics m = proxy.metrics();
        Gauge.builder("natflow.proxy.tunnels", proxy, ProxyServer::tunnelCount).register(r);
        FunctionCounter.builder("natflow.proxy.tunnels.opened", m.opened, LongAdder::sum).register(r);
        for (Refusal reason : Refusal.values()) {
            FunctionCounter.builder("natflow.proxy.refused", m.refused(reason), LongAdder::sum)
                    .tag("reason", reason.label()).register(r);
        }
        FunctionCounter.builder("natflow.proxy.bytes", m.bytesOut, LongAdder::sum).tag("direction", "out")
                .register(r);
        FunctionCounter.builder("natflow.proxy.bytes", m.bytesIn, LongAdder::sum).tag("direction", "in").register(r);
        Timer latency = Timer.builder("natflow.proxy.connect.latency").publishPercentiles(0.5, 0.99).register(r);
        m.onConnectLatency(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
    }
}
