package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.natevents.NatEvent;
import org.natflow.apps.natevents.NatEventType;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.MutableClock;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

class MappingLogTest {

    private final MutableClock clock = new MutableClock();
    private final List<String> lines = new ArrayList<>();
    private final MappingLog log = new MappingLog(line -> lines.add(line.toString()), clock);

    private static NatSession session(long createdMillis) {
        return new NatSession(42, Protocol.UDP, IPv4Address.of("10.0.0.11"), 43000, IPv4Address.of("203.0.113.250"),
                40094, createdMillis, new Dpid(1), MacAddress.of("02:00:00:00:00:09"), OFPort.of(2));
    }

    @Test
    void creationRecordNamesProtocolBothEndpointsAndStart() {
        log.created(session(Instant.parse("2026-01-01T00:00:00.007Z").toEpochMilli()));
        assertThat(lines).containsExactly("2026-01-01T00:00:00.000Z event=nat-mapping-created id=42 protocol=udp"
                + " inside=10.0.0.11:43000 public=203.0.113.250:40094 start=2026-01-01T00:00:00.007Z");
    }

    @Test
    void deletionRecordAddsEndAndReason() {
        NatSession s = session(clock.millis());
        clock.advance(Duration.ofMillis(61_230));
        log.deleted(s, "idle");
        assertThat(lines).containsExactly("2026-01-01T00:01:01.230Z event=nat-mapping-deleted id=42 protocol=udp"
                + " inside=10.0.0.11:43000 public=203.0.113.250:40094 start=2026-01-01T00:00:00.000Z"
                + " end=2026-01-01T00:01:01.230Z reason=idle");
    }

    @Test
    void timestampsMatchIsoFormattingAcrossSecondsMinutesAndDays() {
        NatSession s = session(0);
        for (long millis : new long[] {0, 999, 1_000, 59_999, 60_000, 86_399_999, 86_400_000, 1_764_000_000_123L}) {
            MutableClock at = new MutableClock();
            at.advance(Duration.between(at.instant(), Instant.ofEpochMilli(millis)));
            List<String> out = new ArrayList<>();
            new MappingLog(line -> out.add(line.toString()), at).created(s);
            String expected = Instant.ofEpochMilli(millis).toString();
            expected = expected.length() == 20 ? expected.replace("Z", ".000Z") : expected; // Instant drops .000
            assertThat(out.get(0)).startsWith(expected + " event=");
        }
    }

    @Test
    void blockRecordsNameTheRangeAndDpid() {
        PortBlock b = new PortBlock(7, IPv4Address.of("10.0.0.11"), IPv4Address.of("203.0.113.10"), 4096, 6143,
                new Dpid(1), MacAddress.of("02:00:00:00:00:09"), OFPort.of(2), clock.millis());
        log.blockAssigned(b);
        clock.advance(Duration.ofSeconds(5));
        log.blockReleased(b, "idle");
        assertThat(lines).containsExactly(
                "2026-01-01T00:00:00.000Z event=nat-block-assigned id=7 inside=10.0.0.11 public=203.0.113.10"
                        + " ports=4096-6143 dpid=00:00:00:00:00:00:00:01 start=2026-01-01T00:00:00.000Z",
                "2026-01-01T00:00:05.000Z event=nat-block-released id=7 inside=10.0.0.11 public=203.0.113.10"
                        + " ports=4096-6143 start=2026-01-01T00:00:00.000Z end=2026-01-01T00:00:05.000Z reason=idle");
    }

    @Test
    void offWritesNothingAndCountsNothing() {
        MappingLog off = MappingLog.off();
        off.created(session(0));
        assertThat(off.written()).isZero();
        assertThat(off.dropped()).isZero();
        off.close();
    }

    @Test
    void eachRecordIsRaisedAsItsNatEventWhateverTheSinkKeeps() {
        List<NatEvent> events = new ArrayList<>();
        MappingLog raising = new MappingLog(line -> { }, clock).withEvents(events::add);
        NatSession s = session(clock.millis());
        raising.created(s);
        clock.advance(Duration.ofSeconds(5));
        raising.deleted(s, "idle");
        Endpoint inside = new Endpoint(IPv4Address.of("10.0.0.12"), 5000);
        Endpoint pub = new Endpoint(IPv4Address.of("203.0.113.250"), 40001);
        Endpoint server = new Endpoint(IPv4Address.of("198.51.100.7"), 443);
        raising.portUsed("proxy-tcp", 9, Protocol.TCP, inside, pub, server, 1, clock.millis());
        raising.portReleased("proxy-udp", 10, Protocol.UDP, inside, pub, null, 1, clock.millis(), "closed");
        raising.addressHeld("static-nat", 3, IPv4Address.of("10.0.0.12"), IPv4Address.of("203.0.113.60"), 0);
        raising.addressLent("vpn-peer", 4, "ana", IPv4Address.of("203.0.113.70"), 0);
        raising.refused(new AllocationException(AllocationException.Reason.QUOTA_EXCEEDED, "quota", null, 64, false),
                Protocol.TCP, IPv4Address.of("10.0.0.12"), 1);
        raising.refused(new AllocationException(AllocationException.Reason.POOL_EXHAUSTED, "full",
                IPv4Address.of("203.0.113.250"), 0, true), Protocol.UDP, IPv4Address.of("10.0.0.12"), 1);

        assertThat(events).extracting(NatEvent::type).containsExactly(NatEventType.NAT44_BIB_CREATE,
                NatEventType.NAT44_BIB_DELETE, NatEventType.NAT44_SESSION_CREATE, NatEventType.NAT44_BIB_DELETE,
                NatEventType.ADDRESS_BINDING_CREATE, NatEventType.ADDRESS_BINDING_CREATE, NatEventType.QUOTA_EXCEEDED,
                NatEventType.PORTS_EXHAUSTED, NatEventType.ADDRESSES_EXHAUSTED);
        assertThat(events.get(0).timeMillis()).as("a creation at its start").isEqualTo(s.createdMillis());
        assertThat(events.get(1).timeMillis()).as("an end when it ended").isEqualTo(s.createdMillis() + 5000);
        assertThat(events.get(0).dpid()).isEqualTo(1);
        assertThat(events.get(0).outsidePort()).isEqualTo(40094);
        assertThat(events.get(2).remote()).isEqualTo(server.address());
        assertThat(events.get(2).remotePort()).isEqualTo(443);
        assertThat(events.get(5).name()).isEqualTo("ana");
        assertThat(events.get(5).inside()).as("a peer sends from the address it borrows")
                .isEqualTo(IPv4Address.of("203.0.113.70"));
        assertThat(events.get(6).limit()).isEqualTo(64);
        assertThat(events.get(7).outside()).isEqualTo(IPv4Address.of("203.0.113.250"));
        assertThat(lines).as("this log's own sink kept nothing").isEmpty();
    }

    @Test
    void withoutAListenerNothingIsRaisedAndRefusalsWriteNoLine() {
        log.refused(new AllocationException(AllocationException.Reason.QUOTA_EXCEEDED, "quota"), Protocol.TCP,
                IPv4Address.of("10.0.0.12"), 1);
        assertThat(lines).isEmpty();
    }
}
