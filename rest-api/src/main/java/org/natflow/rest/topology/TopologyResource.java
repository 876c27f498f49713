package org.natflow.rest.topology;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Set;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.InsideHosts;
import org.natflow.apps.fabric.FabricService;
import org.natflow.apps.nat.MappingTable;
import org.natflow.apps.nat.NatSession;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The network as the controller sees it. */
@RestController
@RequestMapping("/api/v1/topology")
@Tag(name = "topology", description = "Switches, links between them and hosts")
public class TopologyResource {

    private final SwitchService switches;
    private final ObjectProvider<FabricService> fabric;
    private final ObjectProvider<Borders> napt;
    private final ObjectProvider<MappingTable> mappings;

    /** Inside hosts shown without the fabric, at most: those with NAT mappings, newest first. */
    static final int MAX_NAT_HOSTS = 1000;

    public TopologyResource(SwitchService switches, ObjectProvider<FabricService> fabric,
                            ObjectProvider<Borders> napt, ObjectProvider<MappingTable> mappings) {
        this.switches = switches;
        this.fabric = fabric;
        this.napt = napt;
        this.mappings = mappings;
    }

    /**
     * Without the fabric: the inside hosts with NAT mappings, where their newest mapping says they are, then those
     * the gateway learned from their packets (on the one border, when there is one; else on none shown).
     */
    private List<TopologyView.HostView> insideHosts(Borders n, Set<Dpid> borders) {
        List<TopologyView.HostView> out = new java.util.ArrayList<>();
        Set<String> listed = new java.util.HashSet<>();
        MappingTable table = mappings.getIfAvailable();
        if (table != null) {
            table.newestPerInside(MAX_NAT_HOSTS).stream()
                    .sorted(java.util.Comparator.comparingLong(NatSession::createdMillis).reversed())
                    .forEach(m -> {
                        listed.add(m.insideAddress().toString());
                        out.add(new TopologyView.HostView(m.insideMac().toString(), m.insideAddress().toString(),
                                m.dpid().toString(), m.switchPort().getPortNumber(), m.dpid().toString(),
                                m.createdMillis()));
                    });
        }
        if (n != null) {
            String only = borders.size() == 1 ? borders.iterator().next().toString() : null;
            long now = System.currentTimeMillis();
            for (InsideHosts.Known k : n.hosts().snapshot(MAX_NAT_HOSTS)) {
                if (out.size() >= MAX_NAT_HOSTS) {
                    break;
                }
                if (listed.add(k.ip().toString())) {
                    out.add(new TopologyView.HostView(k.where().mac().toString(), k.ip().toString(), only,
                            k.where().port().getPortNumber(), only, now - k.learnedAgoMillis()));
                }
            }
        }
        return out;
    }

    @GetMapping
    @Operation(summary = "Switches, discovered links and learned hosts (links need natflow.fabric.enabled; without it,"
            + " the hosts are the inside hosts with NAT mappings and those the gateway learned)")
    public TopologyView get() {
        FabricService f = fabric.getIfAvailable();
        if (f != null) {
            return TopologyView.of(f.view());
        }
        Borders n = napt.getIfAvailable();
        Set<Dpid> borders = n == null ? Set.of() : n.dpids();
        List<TopologyView.HostView> hosts = insideHosts(n, borders);
        return new TopologyView(false, switches.switches().stream()
                .map(s -> new TopologyView.SwitchNode(s.dpid().toString(), borders.contains(s.dpid()), List.of()))
                .toList(), List.of(), hosts);
    }
}
