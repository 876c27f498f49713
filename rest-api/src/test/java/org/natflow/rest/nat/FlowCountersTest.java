package org.natflow.rest.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.natflow.apps.AppCookies;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.StatisticsService;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.U64;

/** Mapping counters: many requests, one flow-table read per border per few seconds. */
class FlowCountersTest {

    /** A border whose table holds both flows of mapping 7 (5 and 3 packets); counts and slows its reads. */
    private static final class CountingStatistics implements StatisticsService {
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public CompletableFuture<List<OFFlowStatsEntry>> flowStats(Dpid dpid, U64 cookie, U64 mask) {
            reads.incrementAndGet();
            var f = OFFactories.getFactory(OFVersion.OF_13);
            List<OFFlowStatsEntry> table = List.of(
                    f.buildFlowStatsEntry().setCookie(AppCookies.cookie(AppCookies.NAT, 7L << 1))
                            .setPacketCount(U64.of(5)).setByteCount(U64.of(500)).setMatch(f.matchWildcardAll()).build(),
                    f.buildFlowStatsEntry().setCookie(AppCookies.cookie(AppCookies.NAT, (7L << 1) | 1))
                            .setPacketCount(U64.of(3)).setByteCount(U64.of(300)).setMatch(f.matchWildcardAll()).build());
            return CompletableFuture.supplyAsync(() -> table, CompletableFuture.delayedExecutor(200,
                    TimeUnit.MILLISECONDS));
        }

        @Override
        public CompletableFuture<List<OFPortStatsEntry>> portStats(Dpid dpid) {
            return CompletableFuture.completedFuture(List.of());
        }
    }

    @Test
    void sixtyConcurrentRequestsReadTheBorderOnce() throws Exception {
        CountingStatistics stats = new CountingStatistics();
        FlowCounters counters = new FlowCounters(stats);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<long[]>> answers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            answers.add(pool.submit(() -> counters.of(new Dpid(1)).get(7L)));
        }
        for (Future<long[]> a : answers) {
            assertThat(a.get(10, TimeUnit.SECONDS)).containsExactly(8, 800);
        }
        pool.shutdown();
        assertThat(stats.reads.get()).as("flow-table reads for 60 requests").isEqualTo(1);
        counters.of(new Dpid(2));
        assertThat(stats.reads.get()).as("each border on its own").isEqualTo(2);
    }
}
