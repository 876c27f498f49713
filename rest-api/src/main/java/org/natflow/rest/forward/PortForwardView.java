package org.natflow.rest.forward;

import java.util.List;
import org.natflow.apps.forward.PortForwardRule;

/**
 * A port forward as the API shows it.
 *
 * @param id             rule id
 * @param protocol       tcp or udp
 * @param publicAddress  pool address
 * @param publicPort     first public port
 * @param publicPortEnd  last public port
 * @param insideAddress  inside server
 * @param insidePort     first inside port
 * @param allowedSources allowed remote prefixes (empty: everyone)
 * @param description    free text
 * @param enabled        in effect
 * @param source         who made it: {@code api} (an operator), or the protocol the inside host asked with
 *                       ({@code natpmp}, {@code pcp}, {@code upnp})
 * @param expiresAt      when it goes by itself, or null
 * @param lifetimeSeconds the seconds it has left, or null when it never expires
 */
public record PortForwardView(long id, String protocol, String publicAddress, int publicPort, int publicPortEnd,
                              String insideAddress, int insidePort, List<String> allowedSources, String description,
                              boolean enabled, String source, java.time.Instant expiresAt, Long lifetimeSeconds) {

    static PortForwardView of(PortForwardRule r) {
        return of(r, System.currentTimeMillis());
    }

    static PortForwardView of(PortForwardRule r, long nowMillis) {
        return new PortForwardView(r.id(), r.protocol().lower(), r.publicAddress().toString(), r.publicPort(),
                r.publicPortEnd(), r.insideAddress().toString(), r.insidePort(),
                r.allowedSources().stream().map(Object::toString).toList(), r.description(), r.enabled(), r.source(),
                r.expiresMillis() == 0 ? null : java.time.Instant.ofEpochMilli(r.expiresMillis()),
                r.expiresMillis() == 0 ? null : Math.max(0, (r.expiresMillis() - nowMillis) / 1000));
    }
}
