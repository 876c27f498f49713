package org.natflow.rest.nat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.concurrent.atomic.LongAdder;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.nat.NaptService;
import org.natflow.apps.nat.NatMetrics;
import org.natflow.apps.nat.PortBlocks;
import org.natflow.apps.ports.PoolUsage;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.rest.config.NatEnabledCondition;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * NAT meters: {@code natflow.sessions.active}; {@code natflow.nat.mappings.new} and {@code natflow.nat.mappings.deleted};
 * {@code natflow.nat.refusals{reason=pool|quota|switch|rate}}; {@code natflow.nat.spoofed};
 * {@code natflow.nat.untranslated}; {@code natflow.nat.fragments.dropped}; {@code natflow.nat.newflow.packetin};
 * {@code natflow.nat.hosts.tracked}, {@code .untracked} and {@code .forgotten} (new-flow state per inside host);
 * {@code natflow.ports.free{address,protocol}} and {@code natflow.ports.used{address,protocol}};
 * {@code natflow.nat.mapping.log.written} and {@code .dropped} (lines of the RFC 6888 mapping log).
 */
@Component
@Conditional(NatEnabledCondition.class)
public class NatMetricsBinder implements MeterBinder {

    private final NaptService napt;
    private final PortBlocks blocks;
    private final PublicPorts ports;
    private final MappingLog mappingLog;

    public NatMetricsBinder(NaptService napt, PortBlocks blocks, PublicPorts ports, MappingLog mappingLog) {
        this.napt = napt;
        this.blocks = blocks;
        this.ports = ports;
        this.mappingLog = mappingLog;
    }

    @Override
    public void bindTo(MeterRegistry r) {
        NatMetrics m = napt.metrics();
        Gauge.builder("natflow.sessions.active", napt.table(), t -> t.size()).description("Live NAT mappings")
                .register(r);
        // Not ".created": Prometheus reserves the _created suffix, and the counter would lose it (natflow_nat_mappings_total).
        counter(r, "natflow.nat.mappings.new", m.created);
        counter(r, "natflow.nat.mappings.deleted", m.deleted);
        counter(r, "natflow.nat.refusals", m.refusedPool, "reason", "pool");
        counter(r, "natflow.nat.refusals", m.refusedQuota, "reason", "quota");
        counter(r, "natflow.nat.refusals", m.refusedSwitch, "reason", "switch");
        counter(r, "natflow.nat.refusals", m.refusedRate, "reason", "rate");
        counter(r, "natflow.nat.spoofed", m.spoofed);
        counter(r, "natflow.nat.untranslated", m.untranslatable);
        counter(r, "natflow.nat.tracked.copies.learned", m.trackedCopiesLearned);
        counter(r, "natflow.nat.tracked.copies.unusable", m.trackedCopiesUnusable);
        counter(r, "natflow.nat.fragments.dropped", m.fragmentsDropped);
        counter(r, "natflow.nat.newflow.packetin", m.newFlowPacketIns);
        Gauge.builder("natflow.nat.hosts.tracked", napt, NaptService::trackedHosts)
                .description("Inside hosts with a new-flow meter and bucket of their own").register(r);
        counter(r, "natflow.nat.hosts.untracked", m.hostsUntracked);
        counter(r, "natflow.nat.hosts.forgotten", m.hostsForgotten);
        Gauge.builder("natflow.nat.blocks.active", blocks, PortBlocks::size)
                .description("Port blocks held by inside hosts (conntrack datapath)").register(r);
        counter(r, "natflow.nat.blocks.assigned", m.blocksAssigned);
        counter(r, "natflow.nat.blocks.released", m.blocksReleased);
        FunctionCounter.builder("natflow.nat.mapping.log.written", mappingLog, MappingLog::written)
                .description("Mapping log lines written to their file").register(r);
        FunctionCounter.builder("natflow.nat.mapping.log.dropped", mappingLog, MappingLog::dropped)
                .description("Mapping log lines lost: the disk stalled or failed").register(r);
        for (PoolUsage u : ports.usage()) {
            String address = u.address().toString();
            String protocol = u.protocol().lower();
            Gauge.builder("natflow.ports.free", ports, t -> t.usage(u.address(), u.protocol()).free())
                    .tags("address", address, "protocol", protocol).register(r);
            Gauge.builder("natflow.ports.used", ports, t -> t.usage(u.address(), u.protocol()).inUse())
                    .tags("address", address, "protocol", protocol).register(r);
            Gauge.builder("natflow.ports.quarantined", ports, t -> t.usage(u.address(), u.protocol()).quarantined())
                    .tags("address", address, "protocol", protocol).register(r);
        }
    }

    private static void counter(MeterRegistry r, String name, LongAdder adder, String... tags) {
        FunctionCounter.builder(name, adder, LongAdder::sum).tags(tags).register(r);
    }
}
