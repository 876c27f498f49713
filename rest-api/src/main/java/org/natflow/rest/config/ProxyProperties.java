package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.ports.Endpoint;
import org.natflow.services.proxy.ProxyConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The jump host's HTTP and SOCKS proxies ({@code natflow.proxy.*}); they need the service link. What may change
 * at run time (users, sources, destinations, limits) is the policy, {@code /api/v1/proxy/policy}. See
 * docs/proxy.md.
 *
 * @param enabled       whether the proxies run
 * @param httpPort      the HTTP proxy's TCP port on the gateway address
 * @param socksPort     the SOCKS proxy's TCP port on the gateway address
 * @param resolver      the DNS server for names clients ask for, {@code address[:port]} beyond the uplink;
 *                      empty: only IP addresses are served
 * @param headerTimeout how long a client has to finish its request head or SOCKS handshake
 * @param maxTunnels    open tunnels of all clients together
 */
@Validated
@ConfigurationProperties("natflow.proxy")
public record ProxyProperties(@DefaultValue("false") boolean enabled,
                              @DefaultValue("3128") @Min(1) @Max(65535) int httpPort,
                              @DefaultValue("1080") @Min(1) @Max(65535) int socksPort,
                              @DefaultValue("") String resolver,
                              @DefaultValue("10s") Duration headerTimeout,
                              @DefaultValue("10000") @Min(1) int maxTunnels) {

    /** The proxies' fixed settings. */
    public ProxyConfig toConfig() {
        Endpoint dns = null;
        String r = resolver.trim();
        if (!r.isEmpty()) {
            try {
                int colon = r.indexOf(':');
                int port = colon < 0 ? 53 : Integer.parseInt(r.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port " + port);
                }
                dns = new Endpoint(Addresses.address(colon < 0 ? r : r.substring(0, colon)), port);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("natflow.proxy.resolver: not address[:port] (" + e.getMessage()
                        + ")");
            }
        }
        return new ProxyConfig(httpPort, socksPort, dns, headerTimeout, maxTunnels);
    }
}
