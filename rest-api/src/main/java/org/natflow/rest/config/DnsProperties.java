package org.natflow.rest.config;

import java.util.List;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.ports.Endpoint;
import org.natflow.services.dns.DnsConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The DNS forwarder on the gateway address ({@code natflow.dns.*}); it needs the service link. See docs/home.md.
 *
 * @param enabled        whether it runs (the DHCP server then gives the gateway as DNS server, unless told
 *                       otherwise)
 * @param upstreams      resolvers beyond the uplink, {@code address[:port]}, tried in order
 * @param domain         the local domain of DHCP clients' names; empty: natflow.dhcp.domain
 * @param cacheEntries   most answers cached
 * @param queriesPerHost queries per second one inside host may ask
 */
@Validated
@ConfigurationProperties("natflow.dns")
public record DnsProperties(@DefaultValue("false") boolean enabled,
                            @DefaultValue("") List<String> upstreams,
                            @DefaultValue("") String domain,
                            @DefaultValue("10000") int cacheEntries,
                            @DefaultValue("200") int queriesPerHost) {

    /** The forwarder's settings, the local domain defaulting to {@code dhcpDomain}. */
    public DnsConfig toConfig(String dhcpDomain) {
        List<Endpoint> ups = upstreams.stream().map(String::trim).filter(s -> !s.isEmpty()).map(s -> {
            int colon = s.indexOf(':');
            try {
                int port = colon < 0 ? 53 : Integer.parseInt(s.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new IllegalArgumentException("port " + port);
                }
                return new Endpoint(Addresses.address(colon < 0 ? s : s.substring(0, colon)), port);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("natflow.dns.upstreams: not address[:port]: '" + s + "'");
            }
        }).toList();
        return new DnsConfig(ups, domain.isBlank() ? dhcpDomain : domain.trim(), cacheEntries, queriesPerHost);
    }
}
