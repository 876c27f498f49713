package org.natflow.rest.nat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.natflow.apps.AppCookies;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.StatisticsService;
import org.natflow.rest.config.NatEnabledCondition;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.stat.StatField;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * Packets and bytes per NAT mapping, from each border's NAT flows, read at most once per {@link #MAX_AGE} per
 * border however many clients ask: requests meanwhile share the last reading (or the one under way). A border's
 * flow table is never dumped once per API request.
 */
@Component
@Conditional(NatEnabledCondition.class)
public class FlowCounters {

    /** How old a reading may be before the next request reads again. */
    static final Duration MAX_AGE = Duration.ofSeconds(5);

    private record Reading(long atNanos, CompletableFuture<Map<Long, long[]>> counters) {
    }

    private final StatisticsService statistics;
    private final Map<Dpid, Reading> readings = new ConcurrentHashMap<>();

    public FlowCounters(StatisticsService statistics) {
        this.statistics = statistics;
    }

    /** Packets and bytes per mapping id on a border, both directions summed; empty if it cannot be read. */
    public Map<Long, long[]> of(Dpid dpid) {
        long now = System.nanoTime();
        Reading r = readings.compute(dpid, (d, old) -> old != null && now - old.atNanos() < MAX_AGE.toNanos()
                ? old : new Reading(now, statistics.flowStats(d, AppCookies.appOnly(AppCookies.NAT), AppCookies.APP_MASK)
                        .thenApply(FlowCounters::perMapping)));
        try {
            return r.counters().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            readings.remove(dpid, r);
            return Map.of();
        }
    }

    private static Map<Long, long[]> perMapping(List<OFFlowStatsEntry> entries) {
        Map<Long, long[]> out = new HashMap<>();
        for (OFFlowStatsEntry e : entries) {
            long id = (e.getCookie().getValue() & 0x0000_ffff_ffff_ffffL) >>> 1;
            if (id == 0) {
                continue;
            }
            long[] c = out.computeIfAbsent(id, k -> new long[2]);
            if (e.getVersion().compareTo(OFVersion.OF_15) >= 0) {
                c[0] += e.getStats().get(StatField.PACKET_COUNT).getValue();
                c[1] += e.getStats().get(StatField.BYTE_COUNT).getValue();
            } else {
                c[0] += e.getPacketCount().getValue();
                c[1] += e.getByteCount().getValue();
            }
        }
        return out;
    }
}
