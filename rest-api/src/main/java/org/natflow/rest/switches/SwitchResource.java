package org.natflow.rest.switches;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.natflow.apps.NotFoundException;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Connected switches, their ports and flow tables. */
@RestController
@RequestMapping("/api/v1/switches")
@Tag(name = "switches", description = "Connected OpenFlow switches")
public class SwitchResource {

    private final SwitchService switches;
    private final StatisticsService statistics;

    public SwitchResource(SwitchService switches, StatisticsService statistics) {
        this.switches = switches;
        this.statistics = statistics;
    }

    @GetMapping
    @Operation(summary = "List connected switches")
    public List<SwitchView> list() {
        return switches.switches().stream().map(SwitchView::of).toList();
    }

    @GetMapping("/{dpid}")
    @Operation(summary = "One connected switch")
    public SwitchView get(@PathVariable String dpid) {
        Dpid id = Dpid.parse(dpid);
        return switches.get(id).map(SwitchView::of)
                .orElseThrow(() -> new NotFoundException("switch " + id + " is not connected"));
    }

    @GetMapping("/{dpid}/flows")
    @Operation(summary = "The switch's flow table, read from the switch with a flow statistics request")
    public List<FlowView> flows(@PathVariable String dpid)
            throws ExecutionException, InterruptedException, TimeoutException {
        Dpid id = Dpid.parse(dpid);
        if (switches.get(id).isEmpty()) {
            throw new NotFoundException("switch " + id + " is not connected");
        }
        return statistics.flowStats(id).get().stream().map(FlowView::of).toList();
    }
}
