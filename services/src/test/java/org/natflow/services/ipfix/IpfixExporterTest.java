package org.natflow.services.ipfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.natevents.NatEvent;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.MutableClock;
import org.projectfloodlight.openflow.types.IPv4Address;

class IpfixExporterTest {

    private static final IPv4Address INSIDE = IPv4Address.of("10.0.0.11");
    private static final IPv4Address PUBLIC = IPv4Address.of("203.0.113.10");
    private static final IPv4Address SERVER = IPv4Address.of("198.51.100.7");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T05:00:00Z"));
    private DatagramChannel collector;
    private IpfixExporter exporter;
    private final IpfixDecoder decoder = new IpfixDecoder();

    @BeforeEach
    void collector() throws Exception {
        collector = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        collector.configureBlocking(true);
        collector.socket().setSoTimeout(5000);
    }

    @AfterEach
    void close() throws Exception {
        if (exporter != null) {
            exporter.close();
        }
        collector.close();
    }

    private IpfixExporter exporter(int perSecond, int queue, int maxBytes) throws Exception {
        exporter = new IpfixExporter(new IpfixExporter.Settings(List.of((InetSocketAddress) collector.getLocalAddress()),
                42, Duration.ofMinutes(10), perSecond, queue, maxBytes, Duration.ofMillis(20)), clock);
        exporter.start();
        return exporter;
    }

    private IpfixDecoder.Message receive() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(65535);
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65535], 65535);
        collector.socket().receive(p);
        b.put(p.getData(), 0, p.getLength()).flip();
        return decoder.decode(b);
    }

    /** Messages until {@code records} data records have come, polling with the socket's deadline. */
    private List<IpfixDecoder.Message> receiveRecords(int records) throws Exception {
        List<IpfixDecoder.Message> out = new ArrayList<>();
        int n = 0;
        while (n < records) {
            IpfixDecoder.Message m = receive();
            out.add(m);
            n += m.records().size();
        }
        return out;
    }

    @Test
    void templatesComeFirstAndEveryKindOfEventDecodesWithItsElements() throws Exception {
        exporter(1000, 1000, 1400);
        IpfixDecoder.Message start = receive();
        assertEquals(0, start.domain(), "templates of domain 0 at start");
        assertEquals(EventTemplate.values().length, start.templateRecords());
        long t = clock.millis();
        exporter.natEvent(NatEvent.mapping(true, t, 7, Protocol.TCP, INSIDE, 43000, PUBLIC, 40094));
        exporter.natEvent(NatEvent.session(false, t + 1, 7, Protocol.UDP, INSIDE, 5000, PUBLIC, 40001, SERVER, 53));
        exporter.natEvent(NatEvent.block(true, t + 2, 7, INSIDE, PUBLIC, 1024, 1535));
        exporter.natEvent(NatEvent.quotaExceeded(t + 3, 7, Protocol.TCP, INSIDE, 64));
        exporter.natEvent(NatEvent.portsExhausted(t + 4, 7, Protocol.UDP, PUBLIC));
        exporter.natEvent(NatEvent.addressesExhausted(t + 5, 7));
        exporter.natEvent(NatEvent.binding(true, t + 6, 0, PUBLIC, PUBLIC, "laptop of ana"));
        exporter.natEvent(NatEvent.binding(false, t + 7, 0, INSIDE, PUBLIC, null));

        List<IpfixDecoder.Message> ms = new ArrayList<>();
        List<Map<Integer, Object>> records = new ArrayList<>();
        while (records.size() < 8) {
            IpfixDecoder.Message m = receive();
            ms.add(m);
            records.addAll(m.records());
        }
        assertTrue(ms.stream().anyMatch(m -> m.domain() == 7 && m.templateRecords() > 0),
                "domain 7's templates before its records");
        records.sort((a, b) -> Long.compare((Long) a.get(323), (Long) b.get(323)));
        Map<Integer, Object> bib = records.get(0);
        assertEquals(8L, bib.get(230));
        assertEquals(42L, bib.get(463));
        assertEquals((long) INSIDE.getInt(), bib.get(8));
        assertEquals((long) PUBLIC.getInt() & 0xffffffffL, bib.get(225));
        assertEquals(6L, bib.get(4));
        assertEquals(43000L, bib.get(7));
        assertEquals(40094L, bib.get(227));
        Map<Integer, Object> session = records.get(1);
        assertEquals(5L, session.get(230));
        assertEquals(17L, session.get(4));
        assertEquals((long) SERVER.getInt() & 0xffffffffL, session.get(12));
        assertEquals((long) SERVER.getInt() & 0xffffffffL, session.get(226));
        assertEquals(53L, session.get(11));
        assertEquals(53L, session.get(228));
        Map<Integer, Object> block = records.get(2);
        assertEquals(16L, block.get(230));
        assertEquals(1024L, block.get(361));
        assertEquals(1535L, block.get(362));
        assertEquals(1L, block.get(363));
        assertEquals(512L, block.get(364));
        Map<Integer, Object> quota = records.get(3);
        assertEquals(13L, quota.get(230));
        assertEquals(3L, quota.get(466), "maximum entries per user");
        assertEquals(64L, quota.get(473));
        assertEquals((long) INSIDE.getInt(), quota.get(8));
        Map<Integer, Object> ports = records.get(4);
        assertEquals(12L, ports.get(230));
        assertEquals(17L, ports.get(4));
        assertEquals((long) PUBLIC.getInt() & 0xffffffffL, ports.get(225));
        assertEquals(3L, records.get(5).get(230));
        assertEquals(1L, records.get(5).get(283));
        assertEquals(14L, records.get(6).get(230));
        assertEquals("laptop of ana", records.get(6).get(371));
        assertEquals(15L, records.get(7).get(230));
        assertEquals((long) INSIDE.getInt(), records.get(7).get(8));
        assertEquals(t, bib.get(323), "the event's time, to the millisecond");
    }

    @Test
    void sequenceNumbersCountEachDomainsRecordsSentBeforeAndMessagesStayWithinTheirSize() throws Exception {
        exporter(100_000, 10_000, 512);
        receive(); // domain 0's templates
        long t = clock.millis();
        for (int i = 0; i < 100; i++) {
            exporter.natEvent(NatEvent.mapping(true, t, 1 + i % 2, Protocol.UDP, INSIDE, 1000 + i, PUBLIC, 2000 + i));
        }
        List<IpfixDecoder.Message> ms = receiveRecords(100);
        Map<Long, Long> expected = new java.util.HashMap<>();
        for (IpfixDecoder.Message m : ms) {
            assertTrue(m.length() <= 512, "a message of " + m.length() + " bytes");
            if (m.records().isEmpty()) {
                continue;
            }
            long before = expected.getOrDefault(m.domain(), 0L);
            assertEquals(before, m.sequence(), "domain " + m.domain() + "'s sequence number");
            expected.put(m.domain(), before + m.records().size());
        }
        assertEquals(50L, expected.get(1L));
        assertEquals(50L, expected.get(2L));
        assertTrue(ms.size() > 4, "100 records of 24 bytes do not fit a 512-byte message");
        assertEquals(100, exporter.recordsSent());
    }

    @Test
    void templatesAreSentAgainOnceTheRefreshIntervalHasPassed() throws Exception {
        exporter(1000, 1000, 1400);
        receive();
        exporter.natEvent(NatEvent.mapping(true, clock.millis(), 3, Protocol.TCP, INSIDE, 1, PUBLIC, 2));
        List<IpfixDecoder.Message> first = receiveRecords(1);
        assertTrue(first.stream().anyMatch(m -> m.templateRecords() > 0));
        exporter.natEvent(NatEvent.mapping(true, clock.millis(), 3, Protocol.TCP, INSIDE, 3, PUBLIC, 4));
        assertTrue(receiveRecords(1).stream().allMatch(m -> m.templateRecords() == 0), "not due yet");
        clock.advance(Duration.ofMinutes(10));
        IpfixDecoder.Message refreshed = receive(); // the export thread refreshes when idle too
        assertTrue(refreshed.templateRecords() > 0);
        assertNotNull(decoder.template(3, EventTemplate.MAPPING.id()));
    }

    @Test
    void aCollectorThatIsDownCostsCountedRecordsAndTheRestGoOn() throws Exception {
        InetSocketAddress nobody = (InetSocketAddress) collector.getLocalAddress();
        collector.close();
        exporter = new IpfixExporter(new IpfixExporter.Settings(List.of(nobody), 1, Duration.ofMinutes(10), 1000,
                1000, 1400, Duration.ZERO), clock);
        exporter.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        int i = 0;
        while (exporter.recordsLost() == 0 && System.nanoTime() < deadline) {
            exporter.natEvent(NatEvent.mapping(true, clock.millis(), 1, Protocol.TCP, INSIDE, ++i, PUBLIC, i));
            Thread.sleep(20);
        }
        assertTrue(exporter.recordsLost() > 0, "the refused sends are counted");
    }

    @Test
    void pastTheRateTheQueueAndTheThrottleRecordsAreCountedNotWaitedFor() throws Exception {
        exporter(10, 1000, 1400);
        receive();
        long t = clock.millis();
        for (int i = 0; i < 25; i++) {
            exporter.natEvent(NatEvent.mapping(true, t, 1, Protocol.TCP, INSIDE, i, PUBLIC, i));
        }
        assertEquals(15, exporter.droppedRate.get());
        for (int i = 0; i < 5; i++) {
            exporter.natEvent(NatEvent.quotaExceeded(t, 1, Protocol.TCP, INSIDE, 64));
        }
        assertEquals(5, exporter.droppedThrottled.get() + exporter.droppedRate.get() - 15,
                "the same host's refusals within the second: all but one throttled (the one past the rate)");
        assertEquals(4, exporter.droppedThrottled.get());
    }
}
