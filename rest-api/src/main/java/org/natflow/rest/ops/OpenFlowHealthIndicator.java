package org.natflow.rest.ops;

import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchService;
import org.natflow.controller.channel.OpenFlowServer;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health component {@code openflow}: UP while the listener is bound; details list the connected switches. */
@Component("openflow")
public class OpenFlowHealthIndicator implements HealthIndicator {

    private final OpenFlowServer server;
    private final SwitchService switches;

    public OpenFlowHealthIndicator(OpenFlowServer server, SwitchService switches) {
        this.server = server;
        this.switches = switches;
    }

    @Override
    public Health health() {
        if (!server.isListening()) {
            return Health.down().withDetail("listener", "not bound").build();
        }
        var connected = switches.switches();
        return Health.up()
                .withDetail("listener", server.boundAddress().getAddress().getHostAddress() + ":"
                        + server.boundAddress().getPort())
                .withDetail("switches", connected.size())
                .withDetail("dpids", connected.stream().map(SwitchInfo::dpid).map(Object::toString).toList())
                .build();
    }
}
