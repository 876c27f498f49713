package org.natflow.apps.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.forward.PortForwardStore;

/** Port forwards in a map, ids from 1. */
public final class InMemoryPortForwardStore implements PortForwardStore {

    private final Map<Long, PortForwardRule> rules = new TreeMap<>();
    private long next = 1;

    @Override
    public synchronized PortForwardRule create(PortForwardRule rule) {
        PortForwardRule r = rule.withId(next++);
        rules.put(r.id(), r);
        return r;
    }

    @Override
    public synchronized Optional<PortForwardRule> update(PortForwardRule rule) {
        return rules.replace(rule.id(), rule) == null ? Optional.empty() : Optional.of(rule);
    }

    @Override
    public synchronized boolean delete(long id) {
        return rules.remove(id) != null;
    }

    @Override
    public synchronized Optional<PortForwardRule> get(long id) {
        return Optional.ofNullable(rules.get(id));
    }

    @Override
    public synchronized List<PortForwardRule> all() {
        return new ArrayList<>(rules.values());
    }
}
