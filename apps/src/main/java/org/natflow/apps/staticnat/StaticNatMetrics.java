package org.natflow.apps.staticnat;

import java.util.concurrent.atomic.LongAdder;

/** What static NAT counts, for the metrics endpoint. */
public final class StaticNatMetrics {

    /** Remotes a host with an allow list sent to, let back in. */
    public final LongAdder remotesLearned = new LongAdder();
    /** Remotes not let back in: the rule had {@link StaticNatService#MAX_REMOTES} already. */
    public final LongAdder remotesRefused = new LongAdder();
    /** ICMP errors whose embedded datagram was translated and delivered. */
    public final LongAdder icmpTranslated = new LongAdder();
    /** ICMP errors dropped: not about the static address, truncated, or with nowhere to go. */
    public final LongAdder icmpDropped = new LongAdder();
}
