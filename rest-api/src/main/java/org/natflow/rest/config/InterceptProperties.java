package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.natflow.services.intercept.InterceptConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The transparent proxy ({@code natflow.intercept.*}); it needs the service link. Which traffic is intercepted
 * is the rules' ({@code /api/v1/intercepts}), which names may be reached the policy's
 * ({@code /api/v1/intercepts/policy}). See docs/intercept.md.
 *
 * @param enabled        whether the splicer runs (without it every rule falls back)
 * @param port           the splicer's TCP port on the service link's address
 * @param sniffTimeout   how long a client may wait before its first bytes; past it the connection goes on unnamed
 * @param connectTimeout how long a server may take to answer
 * @param idleTimeout    a connection with nothing flowing this long is closed
 * @param maxConnections intercepted connections open at once, all hosts together
 * @param maxPerHost     intercepted connections open at once from one inside host
 */
@Validated
@ConfigurationProperties("natflow.intercept")
public record InterceptProperties(@DefaultValue("false") boolean enabled,
                                  @DefaultValue("3129") @Min(1) @Max(65535) int port,
                                  @DefaultValue("1s") Duration sniffTimeout,
                                  @DefaultValue("10s") Duration connectTimeout,
                                  @DefaultValue("5m") Duration idleTimeout,
                                  @DefaultValue("10000") @Min(1) int maxConnections,
                                  @DefaultValue("512") @Min(1) int maxPerHost) {

    /** The splicer's fixed settings. */
    public InterceptConfig toConfig() {
        return new InterceptConfig(port, sniffTimeout, connectTimeout, idleTimeout, maxConnections, maxPerHost);
    }
}
