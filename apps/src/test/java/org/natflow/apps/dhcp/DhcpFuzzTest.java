package org.natflow.apps.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.border.Border;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.MutableClock;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * Coverage-guided fuzzing (Jazzer) of any UDP payload an inside host sends to port 67, through the DHCP server's
 * own handling (parse, lease table, replies): nothing throws and no handling fails; at most one reply, a whole
 * BOOTREPLY from port 67 with the request's xid, of type OFFER, ACK or NAK; every address offered, acknowledged
 * or stored is in the configured range (or none, for an INFORM's ACK and a NAK). The clock moves ten minutes a
 * message, so offers lapse and leases come and go. The suite replays the committed corpus on every build;
 * {@code JAZZER_FUZZ=1} fuzzes for real (docs/testing.md).
 */
class DhcpFuzzTest {

    private static final Dpid DPID = new Dpid(1);
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));
    private static final DhcpRange RANGE = DhcpRange.parse("10.0.0.100-10.0.0.103");
    private static final MacAddress HOST = MacAddress.of("02:00:00:00:00:0a");

    private static final RecordingPacketService packets = new RecordingPacketService();
    private static final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private static final MemoryLeaseStore store = new MemoryLeaseStore();
    private static BorderBed bed;
    private static DhcpServer server;
    private static Border border;

    private static synchronized void start() {
        if (server != null) {
            return;
        }
        bed = new BorderBed(NatTestConfigs.config(5000, 6000, 100, "203.0.113.10"), new RecordingFlowService(),
                packets, SWITCH);
        DhcpConfig config = new DhcpConfig(List.of(RANGE), Duration.ofHours(1), List.of(IPv4Address.of("10.0.0.1")),
                "home.example", List.of("home.example"), 1400, List.of(IPv4Address.of("10.0.0.1")),
                List.of(new DhcpConfig.Route(Addresses.prefix("192.168.0.0/16"), IPv4Address.of("10.0.0.1"))),
                Map.of(), Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ZERO);
        server = new DhcpServer(config, bed.borders, packets, store, clock);
        server.start();
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        border = bed.borders.border(DPID);
        server.reserve(new Reservation(0, MacAddress.of("02:00:00:00:00:0b"), IPv4Address.of("10.0.0.50"), "printer",
                ""));
    }

    @FuzzTest(maxDuration = "20s")
    void dhcpMessagesAreAnsweredWithinTheRangesOrDropped(byte[] payload) {
        start();
        packets.sent.clear();
        long xid = payload.length >= 8 ? ((payload[4] & 0xffL) << 24) | ((payload[5] & 0xffL) << 16)
                | ((payload[6] & 0xffL) << 8) | (payload[7] & 0xffL) : -1;
        server.handle(border, OFPort.of(2), HOST, payload);
        clock.advance(Duration.ofMinutes(10));

        assertThat(server.failures.get()).as("handling failed (event=dhcp-error)").isZero();
        // Only DHCP's packet-outs: the border platform sends ARP of its own (the upstream gateway's) at any time.
        List<DhcpMessage> replies = packets.sent.stream().map(o -> reply(o.data())).filter(r -> r != null).toList();
        assertThat(replies).as("at most one reply").hasSizeLessThanOrEqualTo(1);
        for (DhcpMessage reply : replies) {
            assertThat(reply.op()).isEqualTo(DhcpMessage.BOOTREPLY);
            assertThat(reply.xid()).isEqualTo(xid);
            assertThat(reply.type()).isIn(DhcpOptions.OFFER, DhcpOptions.ACK, DhcpOptions.NAK);
            IPv4Address given = reply.yiaddr();
            assertThat(given.equals(IPv4Address.NONE) || RANGE.contains(given)
                    || given.equals(IPv4Address.of("10.0.0.50"))).as("offered " + given).isTrue();
        }
        store.leases.keySet().forEach(a -> assertThat(RANGE.contains(a) || a.equals(IPv4Address.of("10.0.0.50")))
                .as("stored " + a).isTrue());
    }

    /** The DHCP message a packet-out carries (from UDP port 67), or null if it is none of the server's. */
    private static DhcpMessage reply(byte[] data) {
        EthernetFrame f = PacketParser.parse(data);
        if (f.ipv4() == null || !(f.ipv4().transport() instanceof UdpDatagram u) || u.srcPort() != 67) {
            return null;
        }
        int at = f.ipv4().offset() + f.ipv4().headerLength() + 8;
        try {
            return DhcpMessage.parse(data, at, data.length - at);
        } catch (DhcpMessage.FormatException e) {
            throw new AssertionError("a reply that does not parse: " + e.getMessage(), e);
        }
    }
}
