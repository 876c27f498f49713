package org.natflow.rest.portmap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.portmap.PortMappings;
import org.natflow.apps.portmap.SsdpResponder;
import org.natflow.rest.config.NatEnabledCondition;
import org.natflow.services.portmap.PortMappingServer;
import org.natflow.services.upnp.IgdHttpServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Meters of the mappings inside hosts ask for: {@code natflow.portmap.mappings{source}} (live, per protocol:
 * natpmp, pcp, upnp); with PCP/NAT-PMP on, {@code natflow.portmap.answered}, {@code natflow.portmap.malformed},
 * {@code natflow.portmap.limited} (over a host's rate); with UPnP on, {@code natflow.upnp.actions},
 * {@code natflow.upnp.refused}, {@code natflow.upnp.searches.answered}, {@code natflow.upnp.searches.limited}.
 */
@Component
@ConditionalOnExpression("${natflow.natpmp.enabled:false} or ${natflow.upnp.enabled:false}")
@Conditional(NatEnabledCondition.class)
public class PortMappingMetricsBinder implements MeterBinder {

    private final PortMappings mappings;
    private final ObjectProvider<PortMappingServer> server;
    private final ObjectProvider<IgdHttpServer> igd;
    private final ObjectProvider<SsdpResponder> ssdp;

    public PortMappingMetricsBinder(PortMappings mappings, ObjectProvider<PortMappingServer> server,
                                    ObjectProvider<IgdHttpServer> igd, ObjectProvider<SsdpResponder> ssdp) {
        this.mappings = mappings;
        this.server = server;
        this.igd = igd;
        this.ssdp = ssdp;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        for (String source : new String[] {"natpmp", "pcp", "upnp"}) {
            Gauge.builder("natflow.portmap.mappings", mappings, m -> m.count(source)).tag("source", source)
                    .register(r);
        }
        PortMappingServer s = server.getIfAvailable();
        if (s != null) {
            FunctionCounter.builder("natflow.portmap.answered", s.answered, AtomicLong::get).register(r);
            FunctionCounter.builder("natflow.portmap.malformed", s.malformed, AtomicLong::get).register(r);
            FunctionCounter.builder("natflow.portmap.limited", s.limited, AtomicLong::get).register(r);
        }
        IgdHttpServer h = igd.getIfAvailable();
        if (h != null) {
            FunctionCounter.builder("natflow.upnp.actions", h.actions, AtomicLong::get).register(r);
            FunctionCounter.builder("natflow.upnp.refused", h.refused, AtomicLong::get).register(r);
        }
        SsdpResponder d = ssdp.getIfAvailable();
        if (d != null) {
            FunctionCounter.builder("natflow.upnp.searches.answered", d.answered, AtomicLong::get).register(r);
            FunctionCounter.builder("natflow.upnp.searches.limited", d.limited, AtomicLong::get).register(r);
        }
    }
}
