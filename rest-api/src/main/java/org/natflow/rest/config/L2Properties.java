package org.natflow.rest.config;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The L2 learning switch ({@code natflow.l2.*}).
 *
 * @param enabled     whether switches forward unknown traffic by MAC learning
 * @param idleTimeout seconds a learned flow stays without traffic
 */
@Validated
@ConfigurationProperties("natflow.l2")
public record L2Properties(@DefaultValue("true") boolean enabled, @DefaultValue("60") @Min(1) int idleTimeout) {
}
