package org.natflow.rest.dhcp;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.dhcp.DhcpServer;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * DHCP meters: {@code natflow.dhcp.leases} (valid now), {@code natflow.dhcp.messages{type}} (replies sent and
 * client messages acted on), {@code natflow.dhcp.dropped} (queue full), {@code natflow.dhcp.malformed},
 * {@code natflow.dhcp.exhausted} (a DISCOVER with no address left), {@code natflow.dhcp.probed.in.use},
 * {@code natflow.dhcp.failures} (messages whose handling failed: a bug).
 */
@Component
@ConditionalOnProperty(name = "natflow.dhcp.enabled", havingValue = "true")
@Conditional(NatEnabledCondition.class)
public class DhcpMetricsBinder implements MeterBinder {

    private final DhcpServer dhcp;

    public DhcpMetricsBinder(DhcpServer dhcp) {
        this.dhcp = dhcp;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        Gauge.builder("natflow.dhcp.leases", dhcp, d -> d.leases().size()).register(r);
        counter(r, "natflow.dhcp.messages", dhcp.received, "received");
        counter(r, "natflow.dhcp.messages", dhcp.offers, "offer");
        counter(r, "natflow.dhcp.messages", dhcp.acks, "ack");
        counter(r, "natflow.dhcp.messages", dhcp.naks, "nak");
        counter(r, "natflow.dhcp.messages", dhcp.declines, "decline");
        counter(r, "natflow.dhcp.messages", dhcp.releases, "release");
        FunctionCounter.builder("natflow.dhcp.dropped", dhcp.dropped, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dhcp.malformed", dhcp.malformed, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dhcp.exhausted", dhcp.exhausted, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dhcp.probed.in.use", dhcp.probedInUse, AtomicLong::get).register(r);
        FunctionCounter.builder("natflow.dhcp.failures", dhcp.failures, AtomicLong::get).register(r);
    }

    private static void counter(MeterRegistry r, String name, AtomicLong v, String type) {
        FunctionCounter.builder(name, v, AtomicLong::get).tag("type", type).register(r);
    }
}
