package org.natflow.rest.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Classifying a NAT beyond natflow's own uplink ({@code natflow.upstream-nat.*}); see docs/nat.md. Off unless a
 * STUN server is named.
 *
 * @param stunServer a STUN server beyond the uplink that does RFC 5780, {@code address:port} (IPv4)
 * @param interval   how often to check again
 */
@Validated
@ConfigurationProperties("natflow.upstream-nat")
public record UpstreamNatProperties(@DefaultValue("") String stunServer, @DefaultValue("10m") Duration interval) {
}
