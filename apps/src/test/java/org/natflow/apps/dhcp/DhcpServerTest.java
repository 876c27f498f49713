package org.natflow.apps.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.UdpDatagram;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** The DHCP server against in-memory controller services and a real client's exchanges, message by message. */
class DhcpServerTest {

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");
    private static final MacAddress C = MacAddress.of("02:00:00:00:00:0c");
    private static final IPv4Address GW = IPv4Address.of("10.0.0.1");
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));

    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(nat, new RecordingFlowService(), packets, SWITCH);
    private final MemoryLeaseStore store = new MemoryLeaseStore();
    private DhcpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
        bed.close();
    }

    private DhcpServer server(String range, Duration probe) {
        DhcpConfig config = new DhcpConfig(List.of(DhcpRange.parse(range)), Duration.ofHours(1),
                List.of(IPv4Address.of("10.0.0.1")), "home.example", List.of("home.example", "corp.example"), 1400,
                List.of(), List.of(new DhcpConfig.Route(org.natflow.apps.border.Addresses.prefix("192.168.0.0/16"),
                        GW)), Map.of(), Duration.ofSeconds(30), Duration.ofMinutes(10), probe);
        server = new DhcpServer(config, bed.borders, packets, store, Clock.systemUTC());
        server.start();
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        return server;
    }

    @Test
    void aClientIsOfferedAndAcknowledgedAnAddressWithTheOptionsAndTheLeaseIsStoredFirst() {
        server("10.0.0.100-10.0.0.110", Duration.ZERO);
        DhcpMessage offer = exchange(client(A, DhcpOptions.DISCOVER, Map.of()));
        assertThat(offer.type()).isEqualTo(DhcpOptions.OFFER);
        IPv4Address a = offer.yiaddr();
        assertThat(a).isEqualTo(IPv4Address.of("10.0.0.100"));
        assertThat(offer.address(DhcpOptions.ROUTER)).isEqualTo(GW);
        assertThat(offer.address(DhcpOptions.SERVER_ID)).isEqualTo(GW);
        assertThat(offer.address(DhcpOptions.SUBNET_MASK)).isEqualTo(IPv4Address.of("255.255.255.0"));
        assertThat(offer.address(DhcpOptions.BROADCAST)).isEqualTo(IPv4Address.of("10.0.0.255"));
        assertThat(offer.text(DhcpOptions.DOMAIN_NAME)).isEqualTo("home.example");
        assertThat(offer.options().get(DhcpOptions.DOMAIN_SEARCH)).startsWith(4, 'h', 'o', 'm', 'e');
        assertThat(offer.options().get(DhcpOptions.CLASSLESS_ROUTES)).containsExactly(16, 192, 168, 10, 0, 0, 1);
        assertThat(ByteBuffer.wrap(offer.options().get(DhcpOptions.LEASE_TIME)).getInt()).isEqualTo(3600);
        assertThat(store.leases).as("an offer is not a lease").isEmpty();

        DhcpMessage ack = exchange(client(A, DhcpOptions.REQUEST, Map.of(DhcpOptions.SERVER_ID, GW.getBytes(),
                DhcpOptions.REQUESTED_ADDRESS, a.getBytes(), DhcpOptions.HOSTNAME, "laptop".getBytes())));
        assertThat(ack.type()).isEqualTo(DhcpOptions.ACK);
        assertThat(ack.yiaddr()).isEqualTo(a);
        assertThat(store.leases).containsKey(a);
        assertThat(store.leases.get(a).hostname()).isEqualTo("laptop");
        assertThat(server.leases()).extracting(Lease::mac).containsExactly(A);

        DhcpMessage other = exchange(client(B, DhcpOptions.DISCOVER, Map.of(DhcpOptions.REQUESTED_ADDRESS,
                a.getBytes())));
        assertThat(other.yiaddr()).as("never another client's leased address").isNotEqualTo(a);
        DhcpMessage nak = exchange(client(B, DhcpOptions.REQUEST, Map.of(DhcpOptions.REQUESTED_ADDRESS, a.getBytes())));
        assertThat(nak.type()).as("asking for A's address").isEqualTo(DhcpOptions.NAK);

        send(client(A, DhcpOptions.RELEASE, Map.of()), a);
        waitFor(() -> !store.leases.containsKey(a), "the release stored");
        assertThat(server.leases()).extracting(Lease::mac).doesNotContain(A);
    }

    @Test
    void aHostOnAFabricEdgeSwitchIsAnsweredOnItsEdgePortOnlyWhenTheFabricRuns() {
        server("10.0.0.100-10.0.0.110", Duration.ZERO);
        Dpid edge = new Dpid(0xe1);
        DhcpMessage discover = client(A, DhcpOptions.DISCOVER, Map.of());
        PacketContext atEdge = new PacketContext(edge, OFVersion.OF_13, OFPort.of(3), OFPacketInReason.NO_MATCH,
                TableId.of(0), U64.ZERO, PacketParser.parse(frame(discover, A)));
        assertThat(server.onPacket(atEdge)).as("no fabric: a switch that is no border is not served").isFalse();

        server.serveAcrossFabric();
        int before = packets.sent.size();
        assertThat(server.onPacket(atEdge)).isTrue();
        waitFor(() -> packets.sent.stream().skip(before).anyMatch(p -> reply(p.data()) != null), "the offer");
        RecordingPacketService.PacketOut out = packets.sent.stream().skip(before).filter(p -> reply(p.data()) != null)
                .findFirst().orElseThrow();
        assertThat(out.dpid()).as("answered through the edge switch").isEqualTo(edge);
        assertThat(out.actions().toString()).as("out of the client's edge port").contains("port=3");
        assertThat(reply(out.data()).type()).isEqualTo(DhcpOptions.OFFER);
        assertThat(reply(out.data()).yiaddr()).isEqualTo(IPv4Address.of("10.0.0.100"));
    }

    @Test
    void aClientThatSendsNoHostNameIsAcknowledgedToo() {
        server("10.0.0.100-10.0.0.110", Duration.ZERO);
        IPv4Address a = exchange(client(A, DhcpOptions.DISCOVER, Map.of())).yiaddr();
        DhcpMessage ack = exchange(client(A, DhcpOptions.REQUEST, Map.of(DhcpOptions.SERVER_ID, GW.getBytes(),
                DhcpOptions.REQUESTED_ADDRESS, a.getBytes())));
        assertThat(ack.type()).as("no host name (udhcpc's default)").isEqualTo(DhcpOptions.ACK);
        assertThat(store.leases.get(a).hostname()).isEmpty();
    }

    @Test
    void aDeclinedAddressIsSkippedAndAnExhaustedRangeOffersNothing() {
        server("10.0.0.100-10.0.0.101", Duration.ZERO);
        IPv4Address first = bind(A);
        send(client(A, DhcpOptions.DECLINE, Map.of(DhcpOptions.REQUESTED_ADDRESS, first.getBytes())), null);
        waitFor(() -> server.declines.get() == 1, "the decline");
        IPv4Address second = bind(A);
        assertThat(second).as("the declined address is held back").isNotEqualTo(first);
        int before = packets.sent.size();
        send(client(B, DhcpOptions.DISCOVER, Map.of()), null);
        waitFor(() -> server.exhausted.get() == 1, "no address left");
        assertThat(packets.sent).hasSize(before);
    }

    @Test
    void aReservationGivesItsMacItsAddressAndAProbedAddressInUseIsSkipped() {
        server("10.0.0.100-10.0.0.110", Duration.ofMillis(300));
        server.reserve(new Reservation(0, C, IPv4Address.of("10.0.0.50"), "printer", ""));
        assertThat(bind(C)).isEqualTo(IPv4Address.of("10.0.0.50"));
        // Someone answers ARP for 10.0.0.100 while it is probed: A gets another address.
        int before = packets.sent.size();
        send(client(A, DhcpOptions.DISCOVER, Map.of()), null);
        waitFor(() -> packets.sent.size() > before, "the probe");
        byte[] reply = Frames.arp(2, nat.insideMac(), MacAddress.of("02:00:00:00:00:99"), IPv4Address.of("10.0.0.100"),
                nat.insideMac(), GW);
        bed.packetIn(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2), OFPacketInReason.NO_MATCH, TableId.of(1),
                U64.ZERO, PacketParser.parse(reply)));
        // The counter moves before the packet-out: wait for the reply itself.
        waitFor(() -> lastReply().chaddr().equals(A), "the offer to A");
        assertThat(lastReply().type()).isEqualTo(DhcpOptions.OFFER);
        assertThat(lastReply().yiaddr()).isEqualTo(IPv4Address.of("10.0.0.101"));
        assertThat(server.probedInUse.get()).isEqualTo(1);
    }

    @Test
    void aRelayAgentGetsTheReplyOnItsAddressAndPort67() {
        server("10.0.0.100-10.0.0.110", Duration.ZERO);
        DhcpMessage d = client(A, DhcpOptions.DISCOVER, Map.of());
        DhcpMessage relayed = new DhcpMessage(d.op(), d.xid(), 0, 0, IPv4Address.NONE, IPv4Address.NONE,
                IPv4Address.NONE, IPv4Address.of("10.0.0.2"), A, d.options());
        MacAddress relay = MacAddress.of("02:00:00:00:00:02");
        int before = packets.sent.size();
        assertThat(packetIn(2, Frames.udp(relay, nat.insideMac(), IPv4Address.of("10.0.0.2"), GW, 67, 67,
                relayed.bytes()))).isTrue();
        waitFor(() -> packets.sent.size() > before, "the offer");
        EthernetFrame f = PacketParser.parse(packets.sent.get(before).data());
        assertThat(f.dst()).isEqualTo(relay);
        assertThat(f.ipv4().dst()).isEqualTo(IPv4Address.of("10.0.0.2"));
        assertThat(((UdpDatagram) f.ipv4().transport()).dstPort()).isEqualTo(67);
        assertThat(lastReply().type()).isEqualTo(DhcpOptions.OFFER);
    }

    @Test
    void malformedMessagesAndTheUplinkAreNotAnswered() {
        server("10.0.0.100-10.0.0.110", Duration.ZERO);
        byte[] junk = Frames.udp(A, MacAddress.BROADCAST, IPv4Address.NONE, IPv4Address.of("255.255.255.255"), 68, 67,
                new byte[40]);
        assertThat(packetIn(2, junk)).isTrue();
        waitFor(() -> server.malformed.get() == 1, "counted as malformed");
        assertThat(packetIn(1, frame(client(A, DhcpOptions.DISCOVER, Map.of()), A))).as("taken, not served").isTrue();
        assertThat(server.received.get()).isEqualTo(1);
    }

    // ---- a client ---------------------------------------------------------------------------------------------

    private final AtomicLong xids = new AtomicLong(1000);

    private DhcpMessage client(MacAddress mac, int type, Map<Integer, byte[]> extra) {
        Map<Integer, byte[]> o = new LinkedHashMap<>();
        o.put(DhcpOptions.MESSAGE_TYPE, new byte[] {(byte) type});
        o.putAll(extra);
        return new DhcpMessage(DhcpMessage.BOOTREQUEST, xids.incrementAndGet(), 0, 0, IPv4Address.NONE,
                IPv4Address.NONE, IPv4Address.NONE, IPv4Address.NONE, mac, o);
    }

    private IPv4Address bind(MacAddress mac) {
        DhcpMessage offer = exchange(client(mac, DhcpOptions.DISCOVER, Map.of()));
        DhcpMessage ack = exchange(client(mac, DhcpOptions.REQUEST, Map.of(DhcpOptions.SERVER_ID, GW.getBytes(),
                DhcpOptions.REQUESTED_ADDRESS, offer.yiaddr().getBytes())));
        assertThat(ack.type()).isEqualTo(DhcpOptions.ACK);
        return ack.yiaddr();
    }

    private static byte[] frame(DhcpMessage m, MacAddress mac) {
        return Frames.udp(mac, MacAddress.BROADCAST, IPv4Address.NONE, IPv4Address.of("255.255.255.255"), 68, 67,
                m.bytes());
    }

    private boolean packetIn(int port, byte[] frame) {
        return server.onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(port), OFPacketInReason.NO_MATCH,
                TableId.of(0), U64.ZERO, PacketParser.parse(frame)));
    }

    private void send(DhcpMessage m, IPv4Address ciaddr) {
        DhcpMessage withAddress = ciaddr == null ? m : new DhcpMessage(m.op(), m.xid(), 0, 0, ciaddr, IPv4Address.NONE,
                IPv4Address.NONE, IPv4Address.NONE, m.chaddr(), m.options());
        assertThat(packetIn(2, frame(withAddress, m.chaddr()))).isTrue();
    }

    private DhcpMessage exchange(DhcpMessage m) {
        int before = packets.sent.size();
        send(m, null);
        waitFor(() -> packets.sent.stream().skip(before).anyMatch(p -> reply(p.data()).xid() == m.xid()),
                "a reply to " + DhcpOptions.typeName(m.type()));
        return lastReply();
    }

    private DhcpMessage lastReply() {
        for (int i = packets.sent.size() - 1; i >= 0; i--) {
            DhcpMessage r = reply(packets.sent.get(i).data());
            if (r != null) {
                return r;
            }
        }
        throw new AssertionError("no reply");
    }

    private static DhcpMessage reply(byte[] data) {
        EthernetFrame f = PacketParser.parse(data);
        if (f.ipv4() == null || !(f.ipv4().transport() instanceof UdpDatagram u) || u.srcPort() != 67) {
            return null;
        }
        try {
            int at = f.ipv4().offset() + f.ipv4().headerLength() + 8;
            return DhcpMessage.parse(data, at, data.length - at);
        } catch (DhcpMessage.FormatException e) {
            throw new AssertionError(e);
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }
}
