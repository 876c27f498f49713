package org.natflow.apps.relay;

import java.util.concurrent.atomic.LongAdder;
import org.natflow.controller.api.Dpid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A relay rule with its live state: the peers bound to its legs, where, and its counters. Guarded by itself. */
final class LiveRelay {

    // Logs as RelayService: one logger category per app, as operators configure and grep it.
    private static final Logger log = LoggerFactory.getLogger(RelayService.class);

    final RelayRule rule;
    final BoundPeer[] peers = new BoundPeer[2];
    final long[] removedPackets = new long[2];
    final long[] removedBytes = new long[2];
    final long[] seen = new long[2];
    final LongAdder controllerPackets = new LongAdder();
    Dpid dpid;
    boolean relaying;

    LiveRelay(RelayRule rule) {
        this.rule = rule;
    }

    boolean bothBound() {
        return peers[0] != null && peers[1] != null;
    }

    /** Ends both bindings (call holding the monitor); the legs take new peers again. */
    void unbind(String reason) {
        log.info("event=relay-released id={} peers={}<->{} reason={}", rule.id(),
                peers[0] == null ? "-" : peers[0].endpoint(), peers[1] == null ? "-" : peers[1].endpoint(), reason);
        relaying = false;
        peers[0] = null;
        peers[1] = null;
        dpid = null;
    }
}
