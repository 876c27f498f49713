package org.natflow.apps.intercept;

import java.util.List;
import java.util.Optional;

/** Where interception rules are kept. Implementations make each call atomic. */
public interface InterceptStore {

    /** Stores a new rule; returns it with its id. */
    InterceptRule create(InterceptRule rule);

    /** Replaces a rule; empty if there is none with that id. */
    Optional<InterceptRule> update(InterceptRule rule);

    /** Removes a rule; false if there was none. */
    boolean delete(long id);

    /** All rules by id. */
    List<InterceptRule> all();
}
