package org.natflow.services.ipfix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.natevents.NatEvent;
import org.natflow.apps.natevents.NatEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports NAT events over IPFIX to every configured collector. The threads that raise events only offer them to
 * a bounded queue, past a records-per-second limit and, for refusals, one per second per host or address: an
 * event that finds no room is counted and dropped, never waited for. One thread of its own drains the queue,
 * groups what it took by observation domain (the border's datapath id, low 32 bits; 0 for events of no border),
 * and sends the messages; a collector that is down costs the counted records and nothing else.
 */
public final class IpfixExporter implements NatEventListener, AutoCloseable {

    /**
     * How the exporter works.
     *
     * @param collectors         where messages go (UDP)
     * @param instanceId         the natInstanceID in every record: this natflow among others
     * @param templateRefresh    how often templates are sent again (RFC 7011 section 8.4)
     * @param maxRecordsPerSecond most records taken per second; past it they are counted and dropped
     * @param queueCapacity      most records waiting for the export thread
     * @param maxMessageBytes    largest message (within the path MTU)
     * @param flushInterval      how long the export thread gathers records after the first it finds waiting,
     *                           so that records go many to a message and the thread wakes seldom
     */
    public record Settings(List<InetSocketAddress> collectors, long instanceId, Duration templateRefresh,
                           int maxRecordsPerSecond, int queueCapacity, int maxMessageBytes, Duration flushInterval) {
        public Settings {
            collectors = List.copyOf(collectors);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(IpfixExporter.class);
    private static final long REFUSAL_INTERVAL_MILLIS = 1000;
    private static final int REFUSAL_KEYS = 4096;
    private static final int BATCH = 4096;

    private final Settings settings;
    private final Clock clock;
    private final BlockingQueue<NatEvent> queue;
    private final RecordRate rate;
    private final RefusalThrottle throttle = new RefusalThrottle(REFUSAL_INTERVAL_MILLIS, REFUSAL_KEYS);
    private final List<CollectorStream> streams = new ArrayList<>();
    private final Thread worker;
    private volatile boolean running;

    /** Records dropped because the queue was full. */
    public final AtomicLong droppedQueueFull = new AtomicLong();
    /** Records dropped past the records-per-second limit. */
    public final AtomicLong droppedRate = new AtomicLong();
    /** Refusal records left out because one for the same host or address went out within the second. */
    public final AtomicLong droppedThrottled = new AtomicLong();

    public IpfixExporter(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.rate = new RecordRate(settings.maxRecordsPerSecond());
        this.worker = new Thread(this::run, "natflow-ipfix");
        worker.setDaemon(true);
    }

    /** Opens a socket per collector, sends the templates of domain 0 and starts exporting. */
    public void start() throws IOException {
        long now = clock.millis();
        for (InetSocketAddress c : settings.collectors()) {
            CollectorStream s = new CollectorStream(c, settings.instanceId(), settings.templateRefresh(),
                    settings.maxMessageBytes());
            streams.add(s);
            s.announce(0, now);
        }
        running = true;
        worker.start();
        log.info("event=ipfix-started collectors={} instance-id={}", settings.collectors(), settings.instanceId());
    }

    @Override
    public void natEvent(NatEvent e) {
        long now = e.timeMillis();
        if (RefusalThrottle.applies(e) && !throttle.admit(e, now)) {
            droppedThrottled.incrementAndGet();
            return;
        }
        if (!rate.tryTake(clock.millis())) {
            droppedRate.incrementAndGet();
            return;
        }
        if (!queue.offer(e)) {
            droppedQueueFull.incrementAndGet();
        }
    }

    private void run() {
        List<NatEvent> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                NatEvent first = queue.poll(1, TimeUnit.SECONDS);
                if (first != null) {
                    // Gather for a while: producers only signal a condition nobody waits on meanwhile.
                    long flush = settings.flushInterval().toMillis();
                    if (flush > 0 && running) {
                        Thread.sleep(flush);
                    }
                    batch.add(first);
                    do {
                        queue.drainTo(batch, BATCH - batch.size());
                        export(batch);
                        batch.clear();
                    } while (!queue.isEmpty());
                }
                long now = clock.millis();
                for (CollectorStream s : streams) {
                    s.refresh(now);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("event=ipfix-export-failed detail=\"{}\"", e.toString());
                batch.clear();
            }
        }
    }

    private void export(List<NatEvent> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<Long, List<NatEvent>> byDomain = new LinkedHashMap<>();
        for (NatEvent e : batch) {
            byDomain.computeIfAbsent(domain(e), k -> new ArrayList<>()).add(e);
        }
        long now = clock.millis();
        for (CollectorStream s : streams) {
            byDomain.forEach((domain, events) -> s.send(domain, events, now));
        }
    }

    /** The observation domain of an event: its border's datapath id, low 32 bits. */
    static long domain(NatEvent e) {
        return e.dpid() & 0xffff_ffffL;
    }

    /** Records sent, summed over collectors. */
    public long recordsSent() {
        return streams.stream().mapToLong(s -> s.recordsSent.get()).sum();
    }

    /** Records the collectors' sockets refused (a collector down), summed over collectors. */
    public long recordsLost() {
        return streams.stream().mapToLong(s -> s.recordsLost.get()).sum();
    }

    /** Messages sent, summed over collectors. */
    public long messagesSent() {
        return streams.stream().mapToLong(s -> s.messagesSent.get()).sum();
    }

    /** Template sets sent, summed over collectors. */
    public long templatesSent() {
        return streams.stream().mapToLong(s -> s.templatesSent.get()).sum();
    }

    /** Records waiting for the export thread. */
    public int queued() {
        return queue.size();
    }

    /** The collectors. */
    public List<InetSocketAddress> collectors() {
        return settings.collectors();
    }

    /**
     * Sends what is queued, then stops and closes the sockets. Not by interrupting the export thread: that would
     * close a socket in the middle of a send.
     */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.forEach(CollectorStream::close);
    }
}
