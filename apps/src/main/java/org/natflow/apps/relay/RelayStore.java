package org.natflow.apps.relay;

import java.util.List;
import java.util.Optional;

/** Where relay rules are kept. Implementations make each call atomic. Bindings are not stored: they live in flows. */
public interface RelayStore {

    /** Stores a new rule; returns it with its id. */
    RelayRule create(RelayRule rule);

    /** Removes a rule; false if there was none. */
    boolean delete(long id);

    Optional<RelayRule> get(long id);

    /** All rules by id. */
    List<RelayRule> all();
}
