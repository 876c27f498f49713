package org.natflow.services.ipfix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.natflow.apps.natevents.NatEvent;

/**
 * The IPFIX messages to one collector over UDP (RFC 7011 section 10.3): per observation domain, the templates
 * before its first records and again every refresh interval (and after a failed send, so that a collector that
 * was restarted learns them at once), and the sequence number of the domain's data records sent before each
 * message. Messages are at most the given size; records never straddle two. Used by one thread.
 */
final class CollectorStream implements AutoCloseable {

    private static final int VERSION = 10;
    private static final int HEADER = 16;
    private static final int SET_HEADER = 4;
    private static final int TEMPLATE_SET = 2;

    /** Per observation domain: records sent (the next message's sequence number) and when templates went. */
    private static final class Domain {
        long sequence;
        long templatesAt = Long.MIN_VALUE;
    }

    private final InetSocketAddress collector;
    private final DatagramChannel channel;
    private final long instanceId;
    private final long refreshMillis;
    private final ByteBuffer buf;
    private final Map<Long, Domain> domains = new HashMap<>();

    /** Data records sent. */
    final AtomicLong recordsSent = new AtomicLong();
    /** Data records in messages the collector's socket refused (none listening, no route). */
    final AtomicLong recordsLost = new AtomicLong();
    /** Messages sent. */
    final AtomicLong messagesSent = new AtomicLong();
    /** Template sets sent. */
    final AtomicLong templatesSent = new AtomicLong();

    // The message being built: its records, where its current set started and that set's template (null: none).
    private int messageRecords;
    private int setStart = -1;
    private EventTemplate setTemplate;

    CollectorStream(InetSocketAddress collector, long instanceId, Duration templateRefresh, int maxMessageBytes)
            throws IOException {
        this.collector = collector;
        this.instanceId = instanceId;
        this.refreshMillis = templateRefresh.toMillis();
        this.buf = ByteBuffer.allocate(maxMessageBytes);
        this.channel = DatagramChannel.open();
        channel.connect(collector); // a connected socket learns of a collector that is down (ICMP), and hears only it
    }

    /** The collector. */
    InetSocketAddress collector() {
        return collector;
    }

    /** Sends events of one observation domain, in order, with the domain's templates first when they are due. */
    void send(long domain, List<NatEvent> events, long nowMillis) {
        Domain d = domains.computeIfAbsent(domain, k -> new Domain());
        if (templatesDue(d, nowMillis)) {
            sendTemplates(domain, d, nowMillis);
        }
        begin(domain, d, nowMillis);
        for (NatEvent e : events) {
            EventTemplate t = EventTemplate.of(e);
            int length = t.recordLength(e);
            if (t != setTemplate && buf.remaining() < SET_HEADER + length
                    || t == setTemplate && buf.remaining() < length) {
                finish(d);
                begin(domain, d, nowMillis);
            }
            if (t != setTemplate) {
                closeSet();
                setStart = buf.position();
                setTemplate = t;
                buf.putShort((short) t.id()).putShort((short) 0);
            }
            t.writeRecord(buf, e, instanceId);
            messageRecords++;
        }
        finish(d);
    }

    /** Sends the templates of every domain whose refresh is due (called when idle too). */
    void refresh(long nowMillis) {
        for (Map.Entry<Long, Domain> e : domains.entrySet()) {
            if (templatesDue(e.getValue(), nowMillis)) {
                sendTemplates(e.getKey(), e.getValue(), nowMillis);
            }
        }
    }

    /** Sends a domain's templates now (the exporter's start: before any event). */
    void announce(long domain, long nowMillis) {
        sendTemplates(domain, domains.computeIfAbsent(domain, k -> new Domain()), nowMillis);
    }

    private boolean templatesDue(Domain d, long nowMillis) {
        return d.templatesAt == Long.MIN_VALUE || nowMillis - d.templatesAt >= refreshMillis;
    }

    private void sendTemplates(long domain, Domain d, long nowMillis) {
        header(domain, d, nowMillis);
        int start = buf.position();
        buf.putShort((short) TEMPLATE_SET).putShort((short) 0);
        for (EventTemplate t : EventTemplate.values()) {
            t.writeTemplateRecord(buf);
        }
        buf.putShort(start + 2, (short) (buf.position() - start));
        if (transmit(0)) {
            templatesSent.incrementAndGet();
            d.templatesAt = nowMillis;
        } else {
            d.templatesAt = Long.MIN_VALUE;
        }
    }

    private void begin(long domain, Domain d, long nowMillis) {
        header(domain, d, nowMillis);
        messageRecords = 0;
        setStart = -1;
        setTemplate = null;
    }

    private void header(long domain, Domain d, long nowMillis) {
        buf.clear();
        buf.putShort((short) VERSION).putShort((short) 0).putInt((int) (nowMillis / 1000)).putInt((int) d.sequence)
                .putInt((int) domain);
    }

    private void closeSet() {
        if (setStart >= 0) {
            buf.putShort(setStart + 2, (short) (buf.position() - setStart));
        }
    }

    private void finish(Domain d) {
        closeSet();
        setStart = -1;
        setTemplate = null;
        if (messageRecords == 0) {
            return;
        }
        int records = messageRecords;
        messageRecords = 0;
        d.sequence += records; // counted as sent whatever the socket says: the collector sees the gap
        if (transmit(records)) {
            recordsSent.addAndGet(records);
        } else {
            recordsLost.addAndGet(records);
            for (Domain any : domains.values()) {
                any.templatesAt = Long.MIN_VALUE; // a collector back from a restart needs them again
            }
        }
    }

    /** Sends the message in the buffer; false if the socket refused it. */
    private boolean transmit(int records) {
        buf.putShort(2, (short) buf.position());
        buf.flip();
        try {
            channel.write(buf);
            messagesSent.incrementAndGet();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing is waiting on it
        }
    }
}
