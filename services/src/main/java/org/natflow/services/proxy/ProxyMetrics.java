package org.natflow.services.proxy;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/** What the proxies count; read by the metrics binder. */
public final class ProxyMetrics {

    /** Tunnels opened (the outside connection was made). */
    public final LongAdder opened = new LongAdder();
    /** Bytes from inside clients to destinations. */
    public final LongAdder bytesOut = new LongAdder();
    /** Bytes from destinations to inside clients. */
    public final LongAdder bytesIn = new LongAdder();
    /** Takes each connect latency (request read to outside connection up), in nanoseconds; a timer's. */
    private volatile LongConsumer connectLatency = nanos -> { };
    private final Map<Refusal, LongAdder> refused = new EnumMap<>(Refusal.class);

    public ProxyMetrics() {
        for (Refusal r : Refusal.values()) {
            refused.put(r, new LongAdder());
        }
    }

    /** Where connect latencies go (a metrics registry's timer). */
    public void onConnectLatency(LongConsumer consumer) {
        connectLatency = consumer;
    }

    void connected(long nanos) {
        opened.increment();
        connectLatency.accept(nanos);
    }

    /** Requests refused for {@code reason}. */
    public LongAdder refused(Refusal reason) {
        return refused.get(reason);
    }
}
