package org.natflow.rest.intercept;

import java.util.List;
import org.natflow.apps.intercept.InterceptRule;
import org.natflow.apps.ports.PortRange;

/** An interception rule as the API shows it. */
public record InterceptView(long id, List<String> sources, List<String> destinations, List<String> ports,
                            boolean enabled, String fallback, String description) {

    static InterceptView of(InterceptRule r) {
        return new InterceptView(r.id(), r.sources().stream().map(Object::toString).toList(),
                r.destinations().stream().map(Object::toString).toList(),
                r.ports().stream().map(PortRange::text).toList(), r.enabled(), r.fallback().label(), r.description());
    }
}
