package org.natflow.services.dns;

import java.util.List;
import org.natflow.apps.ports.Endpoint;

/**
 * The forwarder's settings.
 *
 * @param upstreams     resolvers beyond the uplink, tried in order
 * @param domain        the local domain of DHCP clients' names (empty: no local names)
 * @param cacheEntries  most answers cached
 * @param queriesPerHost queries per second one inside host may ask (a burst of twice that)
 */
public record DnsConfig(List<Endpoint> upstreams, String domain, int cacheEntries, int queriesPerHost) {

    public DnsConfig {
        upstreams = List.copyOf(upstreams);
        domain = domain == null ? "" : domain;
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("natflow.dns.upstreams: at least one resolver address[:port]");
        }
        if (cacheEntries < 0 || queriesPerHost < 1) {
            throw new IllegalArgumentException("natflow.dns.cache-entries >= 0 and queries-per-host >= 1");
        }
    }
}
