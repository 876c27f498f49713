package org.natflow.rest.proxy;

import java.time.Instant;
import org.natflow.services.proxy.Tunnel;

/**
 * An open proxy tunnel, as the API shows it.
 *
 * @param id             its id (for {@code DELETE})
 * @param kind           {@code http-connect}, {@code http}, {@code socks5} or {@code socks4}
 * @param inside         the client's inside endpoint
 * @param user           the authenticated user, or null
 * @param requested      the destination as asked for ({@code host:port})
 * @param resolved       the destination it resolved to, or null while resolving
 * @param publicEndpoint the pool endpoint the outside connection leaves from, or null while connecting
 * @param bytesOut       bytes from the client towards the destination
 * @param bytesIn        bytes from the destination towards the client
 * @param createdAt      when the client asked
 * @param ageSeconds     seconds since
 */
public record TunnelView(long id, String kind, String inside, String user, String requested, String resolved,
                         String publicEndpoint, long bytesOut, long bytesIn, Instant createdAt, long ageSeconds) {

    static TunnelView of(Tunnel t, long nowMillis) {
        return new TunnelView(t.id(), t.kind().label(), t.inside().toString(), t.user(), t.requested(),
                t.resolved() == null ? null : t.resolved().toString(),
                t.publicSide() == null ? null : t.publicSide().toString(), t.bytesOut(), t.bytesIn(),
                Instant.ofEpochMilli(t.startMillis()), Math.max(0, (nowMillis - t.startMillis()) / 1000));
    }
}
