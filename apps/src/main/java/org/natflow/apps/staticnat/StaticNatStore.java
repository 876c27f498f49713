package org.natflow.apps.staticnat;

import java.util.List;
import java.util.Optional;

/** Where static NAT rules are kept. Implementations make each call atomic. */
public interface StaticNatStore {

    /** Stores a new rule; returns it with its id. */
    StaticNatRule create(StaticNatRule rule);

    /** Replaces a rule; empty if there is none with that id. */
    Optional<StaticNatRule> update(StaticNatRule rule);

    /** Removes a rule; false if there was none. */
    boolean delete(long id);

    /** All rules by id. */
    List<StaticNatRule> all();
}
