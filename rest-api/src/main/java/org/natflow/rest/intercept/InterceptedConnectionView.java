package org.natflow.rest.intercept;

import org.natflow.services.intercept.InterceptedConnection;

/** An intercepted connection as the API shows it. */
public record InterceptedConnectionView(long id, String inside, String server, String publicSide, String kind,
                                        String name, String verdict, long bytesOut, long bytesIn, long ageSeconds) {

    static InterceptedConnectionView of(InterceptedConnection c, long nowMillis) {
        return new InterceptedConnectionView(c.id(), c.inside().toString(), c.server().toString(),
                c.publicSide() == null ? null : c.publicSide().toString(), c.kind(), c.name(), c.verdict().label(),
                c.bytesOut(), c.bytesIn(), Math.max(0, (nowMillis - c.startMillis()) / 1000));
    }
}
