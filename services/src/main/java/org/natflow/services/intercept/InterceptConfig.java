package org.natflow.services.intercept;

import java.time.Duration;

/**
 * The splicer's settings.
 *
 * @param port           its port on the service link's address
 * @param sniffTimeout   how long a client may take to send the first bytes that name its server; past it the
 *                       connection goes on unnamed (a protocol where the server speaks first)
 * @param connectTimeout how long a server may take to answer
 * @param idleTimeout    a connection with nothing flowing either way this long is closed
 * @param maxConnections most intercepted connections at once
 * @param maxPerHost     most at once from one inside host
 */
public record InterceptConfig(int port, Duration sniffTimeout, Duration connectTimeout, Duration idleTimeout,
                              int maxConnections, int maxPerHost) {

    /** Most bytes read before a name is known (a ClientHello, or an HTTP request head). */
    public static final int MAX_SNIFF_BYTES = 16 * 1024;

    public InterceptConfig {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("natflow.intercept.port: must be 1-65535, was " + port);
        }
        for (Duration d : new Duration[] {sniffTimeout, connectTimeout, idleTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("natflow.intercept timeouts must be positive, was " + d);
            }
        }
        if (maxConnections < 1 || maxPerHost < 1) {
            throw new IllegalArgumentException("natflow.intercept.max-connections and max-per-host must be positive");
        }
    }
}
