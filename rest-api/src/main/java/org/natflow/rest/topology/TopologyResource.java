package org.natflow.rest.topology;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Set;
import org.natflow.apps.border.Borders;
import org.natflow.apps.fabric.FabricService;
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

    public TopologyResource(SwitchService switches, ObjectProvider<FabricService> fabric,
                            ObjectProvider<Borders> napt) {
        this.switches = switches;
        this.fabric = fabric;
        this.napt = napt;
    }

    @GetMapping
    @Operation(summary = "Switches, discovered links and learned hosts (links and hosts need natflow.fabric.enabled)")
    public TopologyView get() {
        FabricService f = fabric.getIfAvailable();
        if (f != null) {
            return TopologyView.of(f.view());
        }
        Borders n = napt.getIfAvailable();
        Set<Dpid> borders = n == null ? Set.of() : n.dpids();
        return new TopologyView(false, switches.switches().stream()
                .map(s -> new TopologyView.SwitchNode(s.dpid().toString(), borders.contains(s.dpid()), List.of()))
                .toList(), List.of(), List.of());
    }
}
