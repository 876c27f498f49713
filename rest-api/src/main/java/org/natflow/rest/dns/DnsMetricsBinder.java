package org.natflow.rest.dns;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.dns.DnsForwarder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * DNS forwarder meters: {@code natflow.dns.queries} (all), {@code natflow.dns.answers{source}} ({@code local},
 * {@code cache}, {@code upstream}), {@code natflow.dns.failed} (SERVFAIL), {@code natflow.dns.malformed},
 * {@code natflow.dns.limited} (over a host's rate), {@code natflow.dns.upstream.tcp} (truncated answers asked again
 * over TCP) and {@code natflow.dns.upstream.tcp.failed}.
 */
@Component
@ConditionalOnProperty(name = "natflow.dns.enabled", havingValue = "true")
@Conditional(NatEnabledCondition.class)
public class DnsMetricsBinder implements MeterBinder {

    private final DnsForwarder dns;

    public DnsMetricsBinder(DnsForwarder dns) {
        this.dns = dns;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        FunctionCounter.builder("natflow.dns.queries", dns.queries, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dns.answers", dns.local, AtomicLong::get).tag("source", "local").register(r);
        FunctionCounter.builder("natflow.dns.answers", dns.cached, AtomicLong::get).tag("source", "cache").register(r);
        FunctionCounter.builder("natflow.dns.answers", dns.forwarded, AtomicLong::get).tag("source", "upstream")
                .register(r);
        FunctionCounter.builder("natflow.dns.failed", dns.failed, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dns.malformed", dns.malformed, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dns.limited", dns.limited, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dns.upstream.tcp", dns.upstreamTcp, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dns.upstream.tcp.failed", dns.upstreamTcpFailed, AtomicLong::get).register(r);
    }
}
