package org.natflow.rest.config;

import java.time.Duration;
import org.natflow.apps.fabric.FabricConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The campus fabric ({@code natflow.fabric.*}): link discovery and shortest-path forwarding across many
 * switches, in place of the single-switch L2 learning app.
 *
 * @param enabled       whether switches form a fabric (turns the L2 learning app off)
 * @param probeInterval how often every switch port sends a discovery probe
 * @param linkTimeout   a link not probed for this long is taken as gone
 * @param settle        a port that comes up carries host traffic only after this long without a probe
 */
@ConfigurationProperties("natflow.fabric")
public record FabricProperties(@DefaultValue("false") boolean enabled, @DefaultValue("1s") Duration probeInterval,
                               @DefaultValue("3500ms") Duration linkTimeout, @DefaultValue("2500ms") Duration settle) {

    /** Validates and converts. */
    public FabricConfig toConfig() {
        return new FabricConfig(probeInterval, linkTimeout, settle);
    }
}
