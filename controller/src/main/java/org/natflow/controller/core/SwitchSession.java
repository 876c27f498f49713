package org.natflow.controller.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.FlowBatchResult;
import org.natflow.controller.api.FlowError;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchNotConnectedException;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFStatsReply;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;

/**
 * One active switch connection after its handshake: identity, ports, and the requests waiting for replies
 * (flow batches by barrier xid, statistics by xid). Inbound methods run on the connection's I/O thread;
 * outbound ones from any thread.
 */
public final class SwitchSession {

    private final Dpid dpid;
    private final OFVersion version;
    private final OFFactory factory;
    private final int tables;
    private final MessageChannel channel;
    private final Instant connectedAt;
    private final ControllerMetrics metrics;
    private final OpenFlowSettings.Limits limits;
    private final Map<Integer, SwitchPort> ports = new ConcurrentSkipListMap<>();
    private final Map<Integer, PortChange> pendingPorts = new ConcurrentHashMap<>();
    // Statistics entries gathered for every outstanding request of this switch together.
    private final AtomicLong gathered = new AtomicLong();
    // Handshake xids stay below this, so replies to them can never be mistaken for ours.
    private final AtomicLong xids = new AtomicLong(0x1000);
    private final Map<Long, PendingBatch> batchesByBarrier = new ConcurrentHashMap<>();
    private final Map<Long, PendingBatch> batchesByXid = new ConcurrentHashMap<>();
    private final Map<Long, PendingStats<?>> statsByXid = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** What a statistics reply part did. */
    enum ReplyOutcome {
        /** Gathered (or the reply completed). */
        TAKEN,
        /** It answers nothing this session asked. */
        UNEXPECTED,
        /** It would pass the bound on gathered entries: the request failed; the switch should be disconnected. */
        OVERSIZED
    }

    public SwitchSession(Dpid dpid, OFVersion version, int tables, List<SwitchPort> ports, MessageChannel channel,
                         Instant connectedAt, ControllerMetrics metrics, OpenFlowSettings.Limits limits) {
        this.dpid = dpid;
        this.version = version;
        this.factory = OFFactories.getFactory(version);
        this.tables = tables;
        this.channel = channel;
        this.connectedAt = connectedAt;
        this.metrics = metrics;
        this.limits = limits;
        ports.forEach(p -> this.ports.put(p.number(), p));
    }

    public Dpid dpid() {
        return dpid;
    }

    public OFFactory factory() {
        return factory;
    }

    public OFVersion version() {
        return version;
    }

    public boolean isClosed() {
        return closed;
    }

    /** A snapshot for the API. */
    public SwitchInfo info() {
        return new SwitchInfo(dpid, version, channel.remoteAddress(), connectedAt, tables,
                new ArrayList<>(ports.values()));
    }

    /** Sends one message as is (packet-out and the like); xid assigned here. */
    public void send(OFMessage message) {
        if (closed) {
            throw new SwitchNotConnectedException(dpid);
        }
        channel.send(List.of(message.createBuilder().setXid(xids.incrementAndGet()).build()));
    }

    /** Closes the connection. */
    public void close() {
        channel.close();
    }

    /**
     * Sends the messages and a barrier; see {@link org.natflow.controller.api.FlowService#apply}. A batch whose
     * barrier is not answered within {@code timeout} fails with a {@link TimeoutException} at the next
     * {@link #expireOverdue} after its deadline.
     */
    public CompletableFuture<FlowBatchResult> sendBatch(List<? extends OFMessage> messages, Duration timeout) {
        if (closed) {
            return CompletableFuture.failedFuture(new SwitchNotConnectedException(dpid));
        }
        List<OFMessage> out = new ArrayList<>(messages.size() + 1);
        long now = System.nanoTime();
        PendingBatch batch = new PendingBatch(messages.size(), now, now + timeout.toNanos());
        for (OFMessage m : messages) {
            long xid = xids.incrementAndGet();
            OFMessage withXid = m.createBuilder().setXid(xid).build();
            batch.sent.add(withXid);
            batchesByXid.put(xid, batch);
            out.add(withXid);
        }
        long barrierXid = xids.incrementAndGet();
        batch.barrierXid = barrierXid;
        batchesByBarrier.put(barrierXid, batch);
        out.add(factory.buildBarrierRequest().setXid(barrierXid).build());
        channel.send(out);
        metrics.flowMessagesSent.add(messages.size());
        if (closed) {
            // Lost the race with close(): make sure the caller is not left waiting.
            failBatch(batch, new SwitchNotConnectedException(dpid));
        }
        return batch.future;
    }

    /**
     * Fails every flow batch and statistics request whose reply is overdue. Called periodically for every
     * session by the controller (every {@link OpenFlowController#SWEEP_MILLIS} ms), rather than with a timer
     * task per request: at tens of thousands of batches a second, cancelled tasks filled the timer's queue.
     */
    void expireOverdue() {
        long now = System.nanoTime();
        for (PendingBatch batch : batchesByBarrier.values()) {
            if (now - batch.deadlineNanos >= 0 && batchesByBarrier.containsKey(batch.barrierXid)) {
                metrics.requestTimeouts.increment();
                failBatch(batch, new TimeoutException("no barrier reply from " + dpid));
            }
        }
        for (Map.Entry<Long, PendingStats<?>> e : statsByXid.entrySet()) {
            if (now - e.getValue().deadlineNanos >= 0 && statsByXid.remove(e.getKey(), e.getValue())) {
                gathered.addAndGet(-e.getValue().count);
                metrics.requestTimeouts.increment();
                e.getValue().future.completeExceptionally(new TimeoutException("no statistics reply from " + dpid));
            }
        }
    }

    /** Sends a statistics request and gathers every part of the reply. */
    public <E> CompletableFuture<List<E>> request(OFStatsRequest<?> request, Function<OFStatsReply, List<E>> entries,
                                                  Duration timeout) {
        if (closed) {
            return CompletableFuture.failedFuture(new SwitchNotConnectedException(dpid));
        }
        long xid = xids.incrementAndGet();
        PendingStats<E> pending = new PendingStats<>(entries, System.nanoTime() + timeout.toNanos());
        statsByXid.put(xid, pending);
        channel.send(List.of(request.createBuilder().setXid(xid).build()));
        if (closed && statsByXid.remove(xid) != null) {
            pending.future.completeExceptionally(new SwitchNotConnectedException(dpid));
        }
        return pending.future;
    }

    /** Handles a barrier reply; false if it answers nothing we sent. */
    boolean onBarrierReply(OFBarrierReply reply) {
        PendingBatch batch = batchesByBarrier.remove(reply.getXid());
        if (batch == null) {
            return false;
        }
        batch.sent.forEach(m -> batchesByXid.remove(m.getXid()));
        metrics.batchCompleted(System.nanoTime() - batch.startNanos);
        List<FlowError> errors;
        synchronized (batch) {
            errors = List.copyOf(batch.errors);
        }
        batch.future.complete(new FlowBatchResult(batch.size, errors));
        return true;
    }

    /** Correlates an error with a pending batch or request by xid; false if it matches none. */
    boolean onError(OFErrorMsg error) {
        PendingBatch batch = batchesByXid.get(error.getXid());
        if (batch != null) {
            metrics.flowErrors.increment();
            synchronized (batch) {
                int index = indexOf(batch.sent, error.getXid());
                batch.errors.add(new FlowError(index, batch.sent.get(index), error));
                batch.errors.sort((a, b) -> Integer.compare(a.index(), b.index()));
            }
            return true;
        }
        PendingStats<?> stats = statsByXid.remove(error.getXid());
        if (stats != null) {
            gathered.addAndGet(-stats.count);
            stats.future.completeExceptionally(new IllegalStateException("switch " + dpid + " refused request: "
                    + error.getErrType()));
            return true;
        }
        return false;
    }

    /**
     * Adds a part of a statistics reply. The entries gathered for all of this switch's outstanding requests are
     * bounded ({@link OpenFlowSettings.Limits#replyEntries}): a switch cannot make the controller hold more by
     * sending parts marked "more" without end.
     */
    ReplyOutcome onStatsReply(OFStatsReply reply) {
        PendingStats<?> pending = statsByXid.get(reply.getXid());
        if (pending == null) {
            return ReplyOutcome.UNEXPECTED;
        }
        int n = pending.add(reply);
        if (gathered.addAndGet(n) > limits.replyEntries()) {
            if (statsByXid.remove(reply.getXid(), pending)) {
                gathered.addAndGet(-pending.count);
                metrics.repliesOversized.increment();
                pending.future.completeExceptionally(new IllegalStateException("statistics reply from " + dpid
                        + " passes " + limits.replyEntries() + " entries (natflow.openflow.max-reply-entries)"));
            }
            return ReplyOutcome.OVERSIZED;
        }
        if (!reply.getFlags().contains(OFStatsReplyFlags.REPLY_MORE) && statsByXid.remove(reply.getXid(), pending)) {
            gathered.addAndGet(-pending.count);
            pending.complete();
        }
        return ReplyOutcome.TAKEN;
    }

    /** A port change waiting to be delivered: the latest state of the port and what happened to it. */
    record PortChange(SwitchEvent.Type type, SwitchPort port) {
    }

    /**
     * Records a port change for delivery; false if one for the port is waiting already (it now carries this
     * change: the latest state, and "added" stays "added" until delivered).
     */
    boolean pendPortEvent(SwitchPort port, SwitchEvent.Type type) {
        boolean[] fresh = {false};
        pendingPorts.compute(port.number(), (n, old) -> {
            fresh[0] = old == null;
            SwitchEvent.Type t = old != null && old.type() == SwitchEvent.Type.PORT_ADDED
                    && type == SwitchEvent.Type.PORT_MODIFIED ? SwitchEvent.Type.PORT_ADDED : type;
            return new PortChange(t, port);
        });
        return fresh[0];
    }

    /** Takes the change waiting for a port, or null. */
    PortChange takePortEvent(int number) {
        return pendingPorts.remove(number);
    }

    boolean hasPort(int number) {
        return ports.containsKey(number);
    }

    int portCount() {
        return ports.size();
    }

    /** Replaces or removes a port; returns the previous value (null if none). */
    SwitchPort putPort(SwitchPort port) {
        return ports.put(port.number(), port);
    }

    SwitchPort removePort(int number) {
        return ports.remove(number);
    }

    /** Marks the session closed and fails everything still waiting for a reply. */
    void closed() {
        closed = true;
        SwitchNotConnectedException cause = new SwitchNotConnectedException(dpid);
        for (PendingBatch batch : List.copyOf(batchesByBarrier.values())) {
            failBatch(batch, cause);
        }
        for (Long xid : List.copyOf(statsByXid.keySet())) {
            PendingStats<?> pending = statsByXid.remove(xid);
            if (pending != null) {
                gathered.addAndGet(-pending.count);
                pending.future.completeExceptionally(cause);
            }
        }
    }

    private void failBatch(PendingBatch batch, Throwable cause) {
        if (batchesByBarrier.remove(batch.barrierXid) != null) {
            batch.sent.forEach(m -> batchesByXid.remove(m.getXid()));
            batch.future.completeExceptionally(cause);
        }
    }

    private static int indexOf(List<OFMessage> sent, long xid) {
        for (int i = 0; i < sent.size(); i++) {
            if (sent.get(i).getXid() == xid) {
                return i;
            }
        }
        return -1;
    }

    private static final class PendingBatch {
        final int size;
        final long startNanos;
        final long deadlineNanos;
        final List<OFMessage> sent;
        final List<FlowError> errors = new ArrayList<>(0);
        final CompletableFuture<FlowBatchResult> future = new CompletableFuture<>();
        volatile long barrierXid;

        PendingBatch(int size, long startNanos, long deadlineNanos) {
            this.size = size;
            this.startNanos = startNanos;
            this.deadlineNanos = deadlineNanos;
            this.sent = new ArrayList<>(size);
        }
    }

    private static final class PendingStats<E> {
        final Function<OFStatsReply, List<E>> entries;
        final List<E> gathered = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<List<E>> future = new CompletableFuture<>();
        final long deadlineNanos;
        volatile long count;

        PendingStats(Function<OFStatsReply, List<E>> entries, long deadlineNanos) {
            this.entries = entries;
            this.deadlineNanos = deadlineNanos;
        }

        /** Gathers a part's entries; returns how many. */
        int add(OFStatsReply reply) {
            List<E> part = entries.apply(reply);
            gathered.addAll(part);
            count += part.size();
            return part.size();
        }

        void complete() {
            future.complete(List.copyOf(gathered));
        }
    }
}
