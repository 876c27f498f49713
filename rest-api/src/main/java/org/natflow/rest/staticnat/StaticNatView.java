package org.natflow.rest.staticnat;

import java.util.List;
import org.natflow.apps.staticnat.StaticNatRule;

/**
 * A static NAT as the API shows it.
 *
 * @param id             rule id
 * @param publicAddress  the host's public address
 * @param insideAddress  the inside host
 * @param via            the pool address whose border serves it
 * @param allowedSources prefixes that may open connections to the host (empty: anyone)
 * @param remotes        with an allow list: the other remotes let back in now, because the host sent to them
 * @param description    free text
 * @param enabled        in effect
 */
public record StaticNatView(long id, String publicAddress, String insideAddress, String via,
                            List<String> allowedSources, List<String> remotes, String description, boolean enabled) {

    static StaticNatView of(StaticNatRule r, List<String> remotes) {
        return new StaticNatView(r.id(), r.publicAddress().toString(), r.insideAddress().toString(),
                r.via().toString(), r.allowedSources().stream().map(Object::toString).toList(), remotes,
                r.description(), r.enabled());
    }
}
