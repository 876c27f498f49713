package org.natflow.apps.nat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.FlowService;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the mapping table and a border's flow table into agreement after a (re)connect: mappings whose flows
 * vanished are released, intact flow pairs the table does not know (a controller restart) are restored with
 * their ports claimed, and mapping flows nobody can account for are deleted.
 */
final class MappingReconciler {

    // Logs as NaptService: one logger category per app, as operators configure and grep it.
    private static final Logger log = LoggerFactory.getLogger(NaptService.class);

    private final MappingTable table;
    private final Mappings mappings;
    private final FlowService flows;
    private final NatFlows natFlows;

    MappingReconciler(MappingTable table, Mappings mappings, FlowService flows, NatFlows natFlows) {
        this.table = table;
        this.mappings = mappings;
        this.flows = flows;
        this.natFlows = natFlows;
    }

    /**
     * Reconciles one border against the NAT flows read from it.
     *
     * @return {restored, deleted, released}
     */
    int[] reconcile(Border b, List<OFFlowStatsEntry> entries) {
        MappingFlows.Found found = MappingFlows.read(entries, b.uplink());
        int released = 0;
        int restored = 0;
        int deleted = 0;
        for (NatSession s : table.on(b.dpid())) {
            if (s.protocol() != Protocol.ICMP && !found.outbound().containsKey(s.id())) {
                mappings.end(s.id(), "flows-vanished");
                released++;
            }
        }
        Set<Long> ids = new HashSet<>(found.outbound().keySet());
        ids.addAll(found.inbound().keySet());
        for (long id : ids) {
            if (table.get(id).isPresent()) {
                continue;
            }
            MappingFlows.Outbound o = found.outbound().get(id);
            MappingFlows.Inbound i = found.inbound().get(id);
            boolean ok = o != null && i != null && table.restore(new NatSession(id, o.protocol(), o.insideAddress(),
                    o.insidePort(), o.publicAddress(), o.publicPort(), Instant.now().minusSeconds(o.ageSeconds()),
                    b.dpid(), i.hostMac(), i.hostPort()));
            if (ok) {
                restored++;
                log.info("event=nat-mapping-restored id={} protocol={} inside={}:{} public={}:{}", id,
                        o.protocol().lower(), o.insideAddress(), o.insidePort(), o.publicAddress(), o.publicPort());
            } else {
                flows.apply(b.dpid(), List.of(natFlows.deleteMapping(b.factory(), id)));
                deleted++;
            }
        }
        for (OFFlowStatsEntry e : found.unreadable()) {
            flows.apply(b.dpid(), List.of(natFlows.deleteMapping(b.factory(), NatCookies.sessionId(e.getCookie()))));
            deleted++;
        }
        return new int[] {restored, deleted, released};
    }
}
