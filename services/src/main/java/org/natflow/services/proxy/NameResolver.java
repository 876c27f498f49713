package org.natflow.services.proxy;

import java.util.concurrent.CompletableFuture;
import org.projectfloodlight.openflow.types.IPv4Address;

/** Resolves the names clients ask the proxies for. */
interface NameResolver extends AutoCloseable {

    /** The name's IPv4 address; fails with a {@link RefusedException} ({@link Refusal#UNRESOLVED}). */
    CompletableFuture<IPv4Address> resolve(String name);

    @Override
    default void close() {
    }

    /** No resolver configured: every name fails, saying so. */
    static NameResolver none() {
        return name -> CompletableFuture.failedFuture(new RefusedException(Refusal.UNRESOLVED,
                "cannot resolve " + name + ": natflow.proxy.resolver is not set"));
    }
}
