package org.natflow.services.intercept;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the splicer counts; read by the metrics binder. */
public final class InterceptMetrics {

    /** Connections accepted from the border. */
    public final LongAdder accepted = new LongAdder();
    /** Connections refused for a limit (too many open), or because no conversation was known. */
    public final LongAdder rejected = new LongAdder();
    /** Connections whose server could not be reached. */
    public final LongAdder unreachable = new LongAdder();
    /** Bytes from inside clients to servers, and back. */
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder bytesIn = new LongAdder();
    private final Map<InterceptPolicy.Verdict, LongAdder> verdicts = new EnumMap<>(InterceptPolicy.Verdict.class);

    public InterceptMetrics() {
        for (InterceptPolicy.Verdict v : InterceptPolicy.Verdict.values()) {
            verdicts.put(v, new LongAdder());
        }
    }

    /** Connections given verdict {@code v}. */
    public LongAdder verdict(InterceptPolicy.Verdict v) {
        return verdicts.get(v);
    }
}
