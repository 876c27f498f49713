package org.natflow.apps.fabric;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.AppCookies;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.ArpPacket;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.LldpProbe;
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/**
 * The fabric on a ring of four switches, wired in memory: probes sent by the service are handed to the
 * switch at the other end of the wire, so discovery runs as it does on a network.
 *
 * Ring: s1:2—s2:2, s2:3—s3:2, s3:3—s4:2, s4:3—s1:3. Host A on s1:1, host B on s3:1, s2 is the border.
 */
class FabricServiceTest {

    private static final Dpid S1 = new Dpid(1);
    private static final Dpid S2 = new Dpid(2);
    private static final Dpid S3 = new Dpid(3);
    private static final Dpid S4 = new Dpid(4);
    private static final MacAddress A = MacAddress.of("02:00:00:00:00:0a");
    private static final MacAddress B = MacAddress.of("02:00:00:00:00:0b");
    private static final MacAddress GW = MacAddress.of("02:6e:66:00:00:01");
    private static final IPv4Address A_IP = IPv4Address.of("10.0.0.10");
    private static final IPv4Address B_IP = IPv4Address.of("10.0.0.11");
    private static final IPv4Address GW_IP = IPv4Address.of("10.0.0.1");

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final RecordingFlowService flows = new RecordingFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final Map<List<Object>, List<Object>> wires = new HashMap<>();
    private final Map<Dpid, SwitchInfo> switches = new HashMap<>();
    private FabricService fabric;

    private static SwitchInfo sw(Dpid dpid, boolean... up) {
        List<SwitchPort> ports = new ArrayList<>();
        for (int i = 0; i < up.length; i++) {
            ports.add(new SwitchPort(i + 1, "s" + dpid.value() + "-eth" + (i + 1), MacAddress.of(dpid.value() << 8 | i + 1),
                    up[i]));
        }
        return new SwitchInfo(dpid, OFVersion.OF_13, "test", Instant.EPOCH, 254, ports);
    }

    private void wire(Dpid a, int pa, Dpid b, int pb) {
        wires.put(List.of(a, pa), List.of(b, pb));
        wires.put(List.of(b, pb), List.of(a, pa));
    }

    @BeforeEach
    void setUp() {
        for (Dpid d : List.of(S1, S2, S3, S4)) {
            switches.put(d, sw(d, true, true, true));
        }
        wire(S1, 2, S2, 2);
        wire(S2, 3, S3, 2);
        wire(S3, 3, S4, 2);
        wire(S4, 3, S1, 3);
        fabric = new FabricService(FabricConfig.defaults(), flows, packets,
                new FixedSwitchService(switches.values().toArray(SwitchInfo[]::new)), clock::get);
        fabric.setGateway(new FabricGateway() {
            @Override
            public IPv4Address address() {
                return GW_IP;
            }

            @Override
            public MacAddress mac() {
                return GW;
            }

            @Override
            public Set<Dpid> borders() {
                return Set.of(S2);
            }

            @Override
            public Optional<Dpid> preferredBorder(IPv4Address host) {
                return Optional.empty();
            }
        });
        for (Dpid d : List.of(S1, S2, S3, S4)) {
            fabric.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, switches.get(d)));
        }
    }

    @AfterEach
    void tearDown() {
        fabric.shutdown();
    }

    private PacketContext packetIn(Dpid dpid, int port, byte[] frame, TableId table) {
        return new PacketContext(dpid, OFVersion.OF_13, OFPort.of(port), OFPacketInReason.NO_MATCH, table, U64.ZERO,
                PacketParser.parse(frame));
    }

    /** Runs one round of probes through the wires. */
    private void probeRound() {
        packets.sent.clear();
        fabric.tick();
        List<RecordingPacketService.PacketOut> out = new ArrayList<>(packets.sent);
        for (RecordingPacketService.PacketOut p : out) {
            Optional<LldpProbe> probe = LldpProbe.parse(PacketParser.parse(p.data()));
            if (probe.isEmpty()) {
                continue;
            }
            int port = ((OFActionOutput) p.actions().get(0)).getPort().getPortNumber();
            List<Object> peer = wires.get(List.of(p.dpid(), port));
            if (peer != null) {
                assertThat(fabric.learn(packetIn((Dpid) peer.get(0), (Integer) peer.get(1), p.data(), TableId.ZERO)))
                        .as("probes end at the controller").isTrue();
            }
        }
    }

    private void settle() {
        probeRound();
        clock.addAndGet(3_000_000_000L);
        probeRound();
    }

    private void hostsSpeak() {
        assertThat(fabric.learn(packetIn(S1, 1, Frames.arpRequest(A, A_IP, GW_IP), TableId.ZERO))).isFalse();
        assertThat(fabric.learn(packetIn(S3, 1, Frames.arpRequest(B, B_IP, GW_IP), TableId.ZERO))).isFalse();
        fabric.recompute();
    }

    /** The output port of the newest flow-add on a switch matching a MAC (as destination, or as source to GW). */
    private Integer outputFor(Dpid dpid, MacAddress mac, boolean toGateway) {
        Integer found = null;
        for (RecordingFlowService.Batch b : flows.batches) {
            if (!b.dpid().equals(dpid)) {
                continue;
            }
            for (OFMessage m : b.messages()) {
                if (m instanceof OFFlowAdd add && add.getTableId().equals(TableId.of(3))) {
                    boolean hit = toGateway ? mac.equals(add.getMatch().get(MatchField.ETH_SRC))
                            && GW.equals(add.getMatch().get(MatchField.ETH_DST))
                            : mac.equals(add.getMatch().get(MatchField.ETH_DST))
                            && add.getMatch().get(MatchField.IN_PORT) == null;
                    if (hit && add.getInstructions().get(0) instanceof OFInstructionApplyActions a
                            && a.getActions().get(0) instanceof OFActionOutput o) {
                        found = o.getPort().getPortNumber();
                    }
                }
            }
        }
        return found;
    }

    @Test
    void probesFindEveryLinkInBothDirections() {
        probeRound();
        assertThat(fabric.view().links()).hasSize(8)
                .contains(new Link(S1, 2, S2, 2), new Link(S2, 2, S1, 2), new Link(S4, 3, S1, 3));
    }

    @Test
    void everySwitchGetsTheStaticFlowsAfterDeletingOldOnes() {
        List<OFMessage> first = flows.batches.stream().filter(b -> b.dpid().equals(S1)).findFirst().orElseThrow()
                .messages();
        assertThat(first).hasSize(5);
        assertThat(first.get(0)).isInstanceOfSatisfying(org.projectfloodlight.openflow.protocol.OFFlowDelete.class,
                d -> {
                    assertThat(d.getCookie()).isEqualTo(AppCookies.appOnly(
                            AppCookies.FABRIC));
                    assertThat(d.getCookieMask()).isEqualTo(AppCookies.APP_MASK);
                });
        assertThat(first.subList(1, 5)).allMatch(m -> m instanceof OFFlowAdd a
                && AppCookies.app(a.getCookie()) == AppCookies.FABRIC);
        // LLDP and ARP to the controller ahead of everything else in table 0; the rest to table 3.
        assertThat(first.subList(1, 5)).extracting(m -> ((OFFlowAdd) m).getTableId().getValue() + "/"
                + ((OFFlowAdd) m).getPriority()).containsExactly("0/2000", "0/15", "0/1", "3/0");
    }

    @Test
    void nothingIsLearnedOnPortsThatHaveNotSettled() {
        probeRound();
        fabric.learn(packetIn(S1, 1, Frames.arpRequest(A, A_IP, GW_IP), TableId.ZERO));
        assertThat(fabric.view().hosts()).isEmpty();
        assertThat(fabric.deliver(packetIn(S1, 1, Frames.arpRequest(A, A_IP, B_IP), TableId.ZERO))).isTrue();
        assertThat(packets.sent).as("an unsettled port might be a link: nothing is flooded from it").noneMatch(
                p -> LldpProbe.parse(PacketParser.parse(p.data())).isEmpty());
    }

    @Test
    void hostsAreLearnedAndForwardedToOnShortestPathsWithGatewayTrafficToTheirBorder() {
        settle();
        hostsSpeak();
        assertThat(fabric.view().hosts()).extracting(h -> h.host().mac(), h -> h.host().ip(), h -> h.border())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(A, A_IP, S2),
                        org.assertj.core.groups.Tuple.tuple(B, B_IP, S2));
        assertThat(outputFor(S1, A, false)).as("A is on s1's port 1").isEqualTo(1);
        assertThat(outputFor(S3, B, false)).isEqualTo(1);
        // s1 to B (on s3): two hops either way round the ring; the tie goes to the lower dpid (via s2).
        assertThat(outputFor(S1, B, false)).isEqualTo(2);
        assertThat(outputFor(S2, B, false)).isEqualTo(3);
        assertThat(outputFor(S4, A, false)).isEqualTo(3);
        // Gateway traffic goes to the border s2: from s1 directly, from s3 directly, from s4 via s3 or s1.
        assertThat(outputFor(S1, A, true)).isEqualTo(2);
        assertThat(outputFor(S3, B, true)).isEqualTo(2);
        assertThat(outputFor(S2, A, true)).as("not on the border itself: its NAT takes it").isNull();
    }

    @Test
    void aLinkGoingDownReroutesWithOnlyTheChangedFlows() {
        settle();
        hostsSpeak();
        flows.batches.clear();
        SwitchInfo s1Down = sw(S1, true, false, true);
        fabric.event(SwitchEvent.of(SwitchEvent.Type.PORT_MODIFIED, s1Down, s1Down.port(2).orElseThrow()));
        SwitchInfo s2Down = sw(S2, true, false, true);
        fabric.event(SwitchEvent.of(SwitchEvent.Type.PORT_MODIFIED, s2Down, s2Down.port(2).orElseThrow()));
        fabric.recompute();
        assertThat(fabric.view().links()).hasSize(6).doesNotContain(new Link(S1, 2, S2, 2));
        assertThat(outputFor(S1, B, false)).as("round the other way, via s4").isEqualTo(3);
        assertThat(outputFor(S1, A, true)).as("A's gateway traffic too").isEqualTo(3);
        assertThat(outputFor(S3, B, true)).as("unchanged: not resent").isNull();
        assertThat(fabric.view().hosts()).allMatch(h -> S2.equals(h.border()));
    }

    @Test
    void aHostThatMovesIsFollowedAndItsOldPortForgotten() {
        settle();
        hostsSpeak();
        fabric.learn(packetIn(S4, 1, Frames.arpRequest(A, A_IP, GW_IP), TableId.ZERO));
        fabric.recompute();
        assertThat(fabric.view().hosts()).anyMatch(h -> h.host().mac().equals(A) && h.host().dpid().equals(S4));
        assertThat(outputFor(S4, A, false)).isEqualTo(1);
        assertThat(outputFor(S1, A, false)).as("s1 now sends A's frames round to s4").isEqualTo(3);
    }

    @Test
    void broadcastsGoToEveryEdgePortButTheIngressAndNeverOverLinks() {
        settle();
        hostsSpeak();
        packets.sent.clear();
        IPv4Address nobody = IPv4Address.of("10.0.0.99");
        assertThat(fabric.deliver(packetIn(S1, 1, Frames.arpRequest(A, A_IP, nobody), TableId.ZERO))).isTrue();
        List<String> outs = new ArrayList<>();
        packets.sent.stream().filter(p -> LldpProbe.parse(PacketParser.parse(p.data())).isEmpty()).forEach(p -> p.actions().forEach(a -> outs.add(p.dpid().value() + ":"
                + ((OFActionOutput) a).getPort().getPortNumber())));
        assertThat(outs).containsExactlyInAnyOrder("2:1", "3:1", "4:1");
    }

    @Test
    void arpForKnownHostsAndTheGatewayIsAnsweredByTheController() {
        settle();
        hostsSpeak();
        packets.sent.clear();
        fabric.deliver(packetIn(S1, 1, Frames.arpRequest(A, A_IP, B_IP), TableId.ZERO));
        fabric.deliver(packetIn(S1, 1, Frames.arpRequest(A, A_IP, GW_IP), TableId.ZERO));
        List<RecordingPacketService.PacketOut> answers = packets.sent.stream()
                .filter(p -> LldpProbe.parse(PacketParser.parse(p.data())).isEmpty()).toList();
        assertThat(answers).hasSize(2);
        ArpPacket toB = PacketParser.parse(answers.get(0).data()).arp();
        ArpPacket toGw = PacketParser.parse(answers.get(1).data()).arp();
        assertThat(toB.opcode()).isEqualTo(ArpPacket.REPLY);
        assertThat(toB.senderMac()).isEqualTo(B);
        assertThat(toGw.senderMac()).isEqualTo(GW);
        assertThat(((OFActionOutput) answers.get(0).actions().get(0)).getPort()).isEqualTo(OFPort.of(1));
        assertThat(fabric.known(null, B_IP)).contains(new org.natflow.apps.border.HostLocation(B,
                org.natflow.apps.HostDelivery.ACROSS_FABRIC));
    }

    @Test
    void packetsFromLinksAreNeverForwarded() {
        settle();
        hostsSpeak();
        packets.sent.clear();
        assertThat(fabric.deliver(packetIn(S1, 2, Frames.arpRequest(A, A_IP, IPv4Address.of("10.0.0.99")),
                TableId.of(3)))).isTrue();
        assertThat(packets.sent).allMatch(p -> LldpProbe.parse(PacketParser.parse(p.data())).isPresent());
        assertThat(fabric.learn(packetIn(S1, 2, Frames.arpRequest(MacAddress.of("02:00:00:00:00:0c"),
                IPv4Address.of("10.0.0.12"), GW_IP), TableId.ZERO))).isFalse();
        assertThat(fabric.view().hosts()).hasSize(2);
    }

    @Test
    void aSwitchThatLeavesTakesItsLinksAndHostsAndItsFlowsAreDeletedStrictlyElsewhere() {
        settle();
        hostsSpeak();
        flows.batches.clear();
        fabric.event(SwitchEvent.of(SwitchEvent.Type.DISCONNECTED, switches.get(S3)));
        fabric.recompute();
        assertThat(fabric.view().links()).noneMatch(l -> l.touches(S3));
        assertThat(fabric.view().hosts()).extracting(h -> h.host().mac()).containsExactly(A);
        assertThat(flows.batches.stream().flatMap(b -> b.messages().stream()))
                .anyMatch(m -> m instanceof OFFlowDeleteStrict d && B.equals(d.getMatch().get(MatchField.ETH_DST)));
    }

    @Test
    void anOpenFlow10SwitchIsRefusedWithoutFlowsOrProbes() {
        Dpid old = new Dpid(9);
        SwitchInfo of10 = new SwitchInfo(old, OFVersion.OF_10, "test", Instant.EPOCH, 1,
                List.of(new SwitchPort(1, "s9-eth1", MacAddress.of(0x901), true)));
        fabric.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, of10));
        fabric.event(SwitchEvent.of(SwitchEvent.Type.PORT_MODIFIED, of10, of10.ports().get(0)));
        packets.sent.clear();
        fabric.tick();
        assertThat(flows.batches).noneMatch(b -> b.dpid().equals(old));
        assertThat(packets.sent).noneMatch(p -> p.dpid().equals(old));
        assertThat(packets.sent).as("the others still probe").isNotEmpty();
    }
}
