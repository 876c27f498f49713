package org.natflow.services.proxy;

import java.time.Duration;
import org.natflow.apps.ports.Endpoint;

/**
 * The proxies' fixed settings ({@code natflow.proxy.*}); what may change at run time is the {@link ProxyPolicy}.
 *
 * @param httpPort      the HTTP proxy's port on the gateway address
 * @param socksPort     the SOCKS proxy's port on the gateway address
 * @param resolver      the DNS server names are resolved with, beyond the uplink; null: IP addresses only
 * @param headerTimeout how long a client has to finish its request (HTTP request head, SOCKS handshake)
 * @param maxTunnels    open tunnels for all clients together
 */
public record ProxyConfig(int httpPort, int socksPort, Endpoint resolver, Duration headerTimeout, int maxTunnels) {

    /** Request lines and each header, and the request head in all, are refused past this. */
    public static final int MAX_HEAD_BYTES = 8192;

    public ProxyConfig {
        if (httpPort < 1 || httpPort > 65535 || socksPort < 1 || socksPort > 65535 || httpPort == socksPort) {
            throw new IllegalArgumentException("natflow.proxy.http-port and socks-port: two different ports 1-65535");
        }
        if (headerTimeout == null || headerTimeout.toMillis() < 100 || headerTimeout.toSeconds() > 600) {
            throw new IllegalArgumentException("natflow.proxy.header-timeout: 100 ms to 600 s");
        }
        if (maxTunnels < 1) {
            throw new IllegalArgumentException("natflow.proxy.max-tunnels: at least 1");
        }
    }
}
