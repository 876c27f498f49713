package org.natflow.apps.forward;

import java.util.List;
import java.util.Optional;

/** Where port-forward rules are kept. Implementations make each call atomic. */
public interface PortForwardStore {

    /** Stores a new rule; returns it with its id. */
    PortForwardRule create(PortForwardRule rule);

    /** Replaces a rule; empty if there is none with that id. */
    Optional<PortForwardRule> update(PortForwardRule rule);

    /** Removes a rule; false if there was none. */
    boolean delete(long id);

    Optional<PortForwardRule> get(long id);

    /** All rules by id. */
    List<PortForwardRule> all();
}
