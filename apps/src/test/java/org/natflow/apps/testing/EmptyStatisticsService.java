package org.natflow.apps.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.StatisticsService;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.types.U64;

/** Statistics of switches with empty tables, answered at once. */
public final class EmptyStatisticsService implements StatisticsService {

    @Override
    public CompletableFuture<List<OFFlowStatsEntry>> flowStats(Dpid dpid, U64 cookie, U64 cookieMask) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<List<OFPortStatsEntry>> portStats(Dpid dpid) {
        return CompletableFuture.completedFuture(List.of());
    }
}
