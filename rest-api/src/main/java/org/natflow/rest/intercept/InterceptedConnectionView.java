package org.natflow.rest.intercept;

import java.time.Instant;
import org.natflow.services.intercept.InterceptedConnection;

/**
 * An intercepted connection as the API shows it.
 *
 * @param id                  its id, for {@code GET/DELETE /api/v1/intercepts/connections/{id}}
 * @param inside              the client's inside endpoint
 * @param originalDestination the server the client addressed
 * @param publicEndpoint      the pool endpoint the outside connection leaves from, or null while connecting
 * @param kind                what the client's first bytes were: {@code tls}, {@code http}, {@code other}, or
 *                            {@code none} while nothing came
 * @param name                the SNI or Host the client asked for, or null
 * @param verdict             the domain policy's: {@code pending}, {@code allowed}, {@code denied}
 * @param bytesOut            bytes from the client to the server so far
 * @param bytesIn             bytes from the server to the client so far
 * @param createdAt           when natflow accepted it
 * @param ageSeconds          how long it has been open
 */
public record InterceptedConnectionView(long id, String inside, String originalDestination, String publicEndpoint,
                                        String kind, String name, String verdict, long bytesOut, long bytesIn,
                                        Instant createdAt, long ageSeconds) {

    static InterceptedConnectionView of(InterceptedConnection c, long nowMillis) {
        return new InterceptedConnectionView(c.id(), c.inside().toString(), c.server().toString(),
                c.publicSide() == null ? null : c.publicSide().toString(), c.kind(), c.name(), c.verdict().label(),
                c.bytesOut(), c.bytesIn(), Instant.ofEpochMilli(c.startMillis()),
                Math.max(0, (nowMillis - c.startMillis()) / 1000));
    }
}
