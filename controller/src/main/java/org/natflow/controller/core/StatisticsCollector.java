package org.natflow.controller.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchNotConnectedException;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsReply;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsReply;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFGroup;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Flow and port statistics through the switch sessions. */
public final class StatisticsCollector implements StatisticsService {

    private final SwitchRegistry registry;
    private final Duration timeout;

    public StatisticsCollector(SwitchRegistry registry, Duration timeout) {
        this.registry = registry;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<List<OFFlowStatsEntry>> flowStats(Dpid dpid, U64 cookie, U64 cookieMask) {
        SwitchSession s = registry.session(dpid).orElse(null);
        if (s == null) {
            return CompletableFuture.failedFuture(new SwitchNotConnectedException(dpid));
        }
        OFFactory f = s.factory();
        OFFlowStatsRequest.Builder b = f.buildFlowStatsRequest().setMatch(f.matchWildcardAll())
                .setTableId(TableId.ALL).setOutPort(OFPort.ANY);
        boolean of10 = f.getVersion() == OFVersion.OF_10;
        if (!of10) {
            b.setOutGroup(OFGroup.ANY).setCookie(cookie).setCookieMask(cookieMask);
        }
        CompletableFuture<List<OFFlowStatsEntry>> all =
                s.request(b.build(), r -> ((OFFlowStatsReply) r).getEntries(), timeout);
        if (!of10 || cookieMask.equals(U64.ZERO)) {
            return all;
        }
        long mask = cookieMask.getValue();
        long want = cookie.getValue() & mask;
        return all.thenApply(list -> list.stream().filter(e -> (e.getCookie().getValue() & mask) == want).toList());
    }

    @Override
    public CompletableFuture<List<OFPortStatsEntry>> portStats(Dpid dpid) {
        SwitchSession s = registry.session(dpid).orElse(null);
        if (s == null) {
            return CompletableFuture.failedFuture(new SwitchNotConnectedException(dpid));
        }
        return s.request(s.factory().buildPortStatsRequest().setPortNo(OFPort.ANY).build(),
                r -> ((OFPortStatsReply) r).getEntries(), timeout);
    }
}
