package org.natflow.controller.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.types.U64;

/** Statistics requests; multipart replies are gathered into one list. */
public interface StatisticsService {

    /** Every flow in every table of the switch. */
    default CompletableFuture<List<OFFlowStatsEntry>> flowStats(Dpid dpid) {
        return flowStats(dpid, U64.ZERO, U64.ZERO);
    }

    /**
     * Flows whose cookie matches {@code cookie} under {@code cookieMask} (mask zero: all flows). On
     * OpenFlow 1.0, which has no cookie filter, the filter is applied to the reply.
     */
    CompletableFuture<List<OFFlowStatsEntry>> flowStats(Dpid dpid, U64 cookie, U64 cookieMask);

    /** Counters of every port of the switch. */
    CompletableFuture<List<OFPortStatsEntry>> portStats(Dpid dpid);
}
