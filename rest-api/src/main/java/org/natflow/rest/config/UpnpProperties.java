package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * natflow's UPnP Internet Gateway Device ({@code natflow.upnp.*}); see docs/port-mapping.md. Its mappings follow
 * the policy and quota of {@code natflow.natpmp.*} (and {@code /api/v1/port-mapping-policy}).
 *
 * @param enabled          whether inside hosts' SSDP searches are answered and the device served (needs the
 *                         service link)
 * @param port             the TCP port of the description and control URLs on the gateway address
 * @param searchesPerHost  SSDP searches a second answered per inside host
 * @param requestsPerHost  SOAP actions a second one inside host may ask for
 */
@Validated
@ConfigurationProperties("natflow.upnp")
public record UpnpProperties(@DefaultValue("false") boolean enabled,
                             @DefaultValue("5000") @Min(1) @Max(65535) int port,
                             @DefaultValue("5") @Min(1) @Max(1000) int searchesPerHost,
                             @DefaultValue("20") @Min(1) @Max(10000) int requestsPerHost) {
}
