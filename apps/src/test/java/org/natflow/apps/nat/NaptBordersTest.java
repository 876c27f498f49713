package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.AppCookies;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Border;
import org.natflow.apps.border.Borders;
import org.natflow.apps.border.InsideNetwork;
import org.natflow.apps.border.Uplink;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.Checksums;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Two borders, each with its own pool address, across a fabric; uplinks changed at run time. */
class NaptBordersTest {

    private static final Dpid B1 = new Dpid(0xb1);
    private static final Dpid B2 = new Dpid(0xb2);
    private static final MacAddress GW = MacAddress.of("02:6e:66:00:00:01");
    private static final MacAddress HOST = MacAddress.of("02:00:00:00:00:0b");
    private static final IPv4Address P50 = IPv4Address.of("203.0.113.50");
    private static final IPv4Address P51 = IPv4Address.of("203.0.113.51");

    private static SwitchInfo border(Dpid dpid, String name) {
        return new SwitchInfo(dpid, OFVersion.OF_13, "test", Instant.EPOCH, 254,
                List.of(new SwitchPort(1, name + "-eth1", MacAddress.of(1), true),
                        new SwitchPort(2, name + "-eth2", MacAddress.of(2), true)));
    }

    private final SwitchInfo b1 = border(B1, "b1");
    private final SwitchInfo b2 = border(B2, "b2");
    private final NatConfig config = NatTestConfigs.config(NatTestConfigs.gateway(List.of(P50, P51),
            List.of(Uplink.parse("b1-eth1=203.0.113.50"), Uplink.parse("b2-eth1=203.0.113.51"))), 1024, 65535, 100);
    private final RecordingFlowService flows = new RecordingFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(config, flows, packets, b1, b2);
    private final MappingTable table = bed.table;
    private final Borders borders = bed.borders;

    @BeforeEach
    void up() {
        bordersUp(bed);
    }

    /** Both borders connect, hosts are across the fabric, and the upstream router answers each border's ARP. */
    private static void bordersUp(BorderBed bed) {
        bed.borders.hosts().setNetwork(new InsideNetwork() {
            @Override
            public OFPort hostPort(Border border, OFPort inPort) {
                return HostDelivery.ACROSS_FABRIC;
            }
        });
        bed.event(SwitchEvent.Type.CONNECTED, border(B1, "b1"));
        bed.event(SwitchEvent.Type.CONNECTED, border(B2, "b2"));
        for (Dpid d : List.of(B1, B2)) {
            IPv4Address own = d.equals(B1) ? P50 : P51;
            packetIn(bed, d, 1, Frames.arp(2, MacAddress.of("02:6e:66:00:00:02"), MacAddress.of("02:00:00:00:00:99"),
                    IPv4Address.of("203.0.113.1"), MacAddress.of("02:6e:66:00:00:02"), own));
        }
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    private boolean packetIn(Dpid dpid, int port, byte[] frame) {
        return packetIn(bed, dpid, port, frame);
    }

    private static boolean packetIn(BorderBed bed, Dpid dpid, int port, byte[] frame) {
        return bed.packetIn(new PacketContext(dpid, OFVersion.OF_13, OFPort.of(port), OFPacketInReason.NO_MATCH,
                TableId.of(1), U64.ZERO, PacketParser.parse(frame)));
    }

    private static byte[] syn(int sport) {
        byte[] l4 = ByteBuffer.allocate(20).putShort((short) sport).putShort((short) 80).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) 0x02).putShort((short) 1000).putInt(0).array();
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4.length);
        b.put(GW.getBytes()).put(HOST.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0).put((byte) 64)
                .put((byte) 6).putShort((short) 0).putInt(IPv4Address.of("10.0.0.11").getInt())
                .putInt(IPv4Address.of("198.51.100.10").getInt()).put(l4);
        byte[] a = b.array();
        IcmpRewriter.putShort(a, 24, Checksums.ones(a, 14, 20));
        return a;
    }

    @Test
    void eachBorderHasItsOwnAddressesAndAnswersArpForThemOnly() {
        assertThat(borders.all()).extracting(Border::dpid, Border::addresses)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(B1, List.of(P50)),
                        org.assertj.core.groups.Tuple.tuple(B2, List.of(P51)));
        packets.sent.clear();
        MacAddress router = MacAddress.of("02:00:00:00:00:99");
        packetIn(B1, 1, Frames.arpRequest(router, IPv4Address.of("203.0.113.1"), P51));
        assertThat(packets.sent).as("b1 keeps quiet about b2's address").isEmpty();
        packetIn(B1, 1, Frames.arpRequest(router, IPv4Address.of("203.0.113.1"), P50));
        assertThat(packets.sent).hasSize(1);
        assertThat(PacketParser.parse(packets.sent.get(0).data()).arp().senderIp()).isEqualTo(P50);
    }

    @Test
    void aHostTranslatedOnABorderGetsThatBordersAddressAndFlowsThatDeliverAcrossTheFabric() {
        packetIn(B2, 2, syn(40000));
        NatSession s = table.all().get(0);
        assertThat(s.publicAddress()).isEqualTo(P51);
        assertThat(s.dpid()).isEqualTo(B2);
        assertThat(s.switchPort()).isEqualTo(HostDelivery.ACROSS_FABRIC);
        assertThat(borders.borderFor(IPv4Address.of("10.0.0.11"))).contains(B2);
        OFFlowAdd inbound = flows.batches.stream().flatMap(b -> b.messages().stream())
                .filter(m -> m instanceof OFFlowAdd a && a.getCookie().equals(NatCookies.inbound(s.id())))
                .map(m -> (OFFlowAdd) m).findFirst().orElseThrow();
        assertThat(inbound.getInstructions()).anyMatch(i -> i instanceof OFInstructionGotoTable g
                && g.getTableId().equals(Pipeline.Table.FABRIC.id()));
        assertThat(inbound.getInstructions().toString()).doesNotContain("output");
    }

    @Test
    void changingTheUplinksRetiresTheBorderThatLostItsUplinkAndEndsItsMappings() {
        packetIn(B2, 2, syn(40000));
        assertThat(table.size()).isEqualTo(1);
        flows.batches.clear();
        List<Border> retired = new java.util.ArrayList<>();
        borders.register(new org.natflow.apps.border.BorderApp() {
            @Override
            public int cookieApp() {
                return AppCookies.FORWARD;
            }

            @Override
            public void borderRetired(Border b) {
                retired.add(b);
                assertThat(borders.dpids()).as("told after it stopped being a border").doesNotContain(b.dpid());
            }
        });
        List<Uplink> now = borders.setUplinks(List.of(Uplink.named("b1-eth1", List.of())));
        assertThat(retired).extracting(Border::dpid).as("b1 too: its addresses changed").containsExactlyInAnyOrder(B1, B2);
        assertThat(now.get(0).addresses()).containsExactly(P50, P51);
        assertThat(borders.dpids()).containsExactly(B1);
        assertThat(table.size()).isZero();
        assertThat(flows.batches.stream().filter(b -> b.dpid().equals(B2)).flatMap(b -> b.messages().stream())
                .filter(m -> m instanceof OFFlowDelete).map(m -> AppCookies.app(((OFFlowDelete) m).getCookie())))
                .as("every app's flows, by cookie, last registered first").containsExactly(AppCookies.FORWARD,
                        AppCookies.NAT, AppCookies.BORDER);
        assertThat(borders.all().get(0).addresses()).as("b1 re-adopted with both").containsExactly(P50, P51);
        // The host's pairing moves with it: it is translated on b1 now, keeping 203.0.113.51.
        packetIn(B1, 2, syn(40001));
        assertThat(table.all().get(0).publicAddress()).isEqualTo(P51);
        assertThat(table.all().get(0).dpid()).isEqualTo(B1);
        assertThat(borders.mayFlood(B2, b2.ports().get(0))).as("b2-eth1 is no uplink any more").isTrue();
    }

    @Test
    void invalidUplinksAreRefusedAndChangeNothing() {
        assertThatThrownBy(() -> borders.setUplinks(List.of(Uplink.named("b1-eth1", List.of(IPv4Address.of("192.0.2.1"))))))
                .hasMessageContaining("not in the pool");
        assertThat(borders.dpids()).containsExactlyInAnyOrder(B1, B2);
        assertThat(borders.uplinks()).hasSize(2);
    }

    @Test
    void onTheConntrackDatapathAHostMovingToAnotherBorderGetsABlockThereAndTheOldOneGoes() {
        NatConfig ct = config.withDatapath(NatDatapath.CONNTRACK);
        RecordingFlowService f = new RecordingFlowService();
        BorderBed ctBed = new BorderBed(ct, f, packets, b1, b2);
        try {
            bordersUp(ctBed);
            packetIn(ctBed, B1, 2, syn(40000));
            PortBlock first = ctBed.blocks.of(IPv4Address.of("10.0.0.11")).orElseThrow();
            assertThat(first.dpid()).isEqualTo(B1);
            assertThat(first.address()).isEqualTo(P50);
            assertThat(first.hostPort()).isEqualTo(HostDelivery.ACROSS_FABRIC);

            packetIn(ctBed, B2, 2, syn(40001));
            PortBlock second = ctBed.blocks.of(IPv4Address.of("10.0.0.11")).orElseThrow();
            assertThat(second.dpid()).isEqualTo(B2);
            assertThat(second.address()).isEqualTo(P51);
            assertThat(ctBed.blocks.all()).hasSize(1);
            assertThat(f.batches).as("the old block's flows deleted on b1").anyMatch(b -> b.dpid().equals(B1)
                    && b.messages().stream().anyMatch(m -> m instanceof org.projectfloodlight.openflow.protocol.OFFlowDelete d
                    && NatCookies.isBlock(d.getCookie()) && NatCookies.blockId(d.getCookie()) == first.id()));
            assertThat(ctBed.ports.holder(Protocol.TCP, P50, first.first())).as("its ports back in b1's pool").isEmpty();
        } finally {
            ctBed.close();
        }
    }
}
