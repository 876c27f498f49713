package org.natflow.apps.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.apps.RuleException;
import org.natflow.apps.nat.MappingTable;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.EmptyStatisticsService;
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
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFFlowRemovedReason;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** Relay rules against in-memory controller services: no switch, no sockets. */
class RelayServiceTest {

    /** The store as a map. */
    static final class InMemoryStore implements RelayStore {
        private final Map<Long, RelayRule> rules = new TreeMap<>();
        private long next = 1;

        @Override
        public RelayRule create(RelayRule rule) {
            RelayRule r = rule.withId(next++);
            rules.put(r.id(), r);
            return r;
        }

        @Override
        public boolean delete(long id) {
            return rules.remove(id) != null;
        }

        @Override
        public Optional<RelayRule> get(long id) {
            return Optional.ofNullable(rules.get(id));
        }

        @Override
        public List<RelayRule> all() {
            return new ArrayList<>(rules.values());
        }
    }

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress GW_INSIDE = MacAddress.of("02:6e:66:00:00:01");
    private static final MacAddress GW_OUTSIDE = MacAddress.of("02:6e:66:00:00:02");
    private static final MacAddress UPSTREAM = MacAddress.of("02:00:00:00:00:99");
    private static final MacAddress HOST_B = MacAddress.of("02:00:00:00:00:0b");
    private static final IPv4Address POOL = IPv4Address.of("203.0.113.10");
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));

    private final NatConfig config = NatTestConfigs.config(5000, 5003, 100, "203.0.113.10");
    private final RecordingFlowService flows = new RecordingFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(config, flows, packets, SWITCH);
    private final MappingTable table = bed.table;
    private final InMemoryStore store = new InMemoryStore();
    private final RelayService relays = new RelayService(bed.ports, store, flows, packets, bed.borders,
            new EmptyStatisticsService());

    @AfterEach
    void stop() {
        bed.close();
    }

    private static RelayRule udp(int port0, int port1, String source0) {
        return new RelayRule(0, Protocol.UDP, null, List.of(new RelayLeg(port0, source0 == null ? null
                : IPv4AddressWithMask.of(source0)), new RelayLeg(port1, null)), 60, "test");
    }

    private void borderUp() {
        relays.start();
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        byte[] reply = Frames.arp(2, GW_OUTSIDE, UPSTREAM, IPv4Address.of("203.0.113.1"), GW_OUTSIDE, POOL);
        bed.packetIn(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(1), OFPacketInReason.NO_MATCH,
                TableId.of(1), U64.ZERO, PacketParser.parse(reply)));
        packets.sent.clear(); // the gateway's own ARP
    }

    /** A UDP datagram as an Ethernet frame. */
    private static byte[] udpFrame(MacAddress dstMac, MacAddress srcMac, String src, int sport, String dst, int dport) {
        byte[] payload = "hello".getBytes();
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + payload.length);
        b.put(dstMac.getBytes()).put(srcMac.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload.length)).putShort((short) 1)
                .putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .putInt(IPv4Address.of(src).getInt()).putInt(IPv4Address.of(dst).getInt());
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0)
                .put(payload);
        byte[] a = b.array();
        int sum = Checksums.ones(a, 14, 20);
        a[24] = (byte) (sum >> 8);
        a[25] = (byte) sum;
        return a;
    }

    private boolean fromOutside(String src, int sport, int dport) {
        return relays.udp().onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(1), OFPacketInReason.ACTION,
                TableId.of(1), U64.ZERO, PacketParser.parse(udpFrame(GW_OUTSIDE, UPSTREAM, src, sport,
                "203.0.113.10", dport))));
    }

    private boolean fromInside(int sport, int dport) {
        return relays.udp().onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2), OFPacketInReason.ACTION,
                TableId.of(1), U64.ZERO, PacketParser.parse(udpFrame(GW_INSIDE, HOST_B, "10.0.0.11", sport,
                "203.0.113.10", dport))));
    }

    private List<OFFlowAdd> adds() {
        List<OFFlowAdd> out = new ArrayList<>();
        flows.batches.forEach(b -> b.messages().stream().filter(m -> m instanceof OFFlowAdd)
                .map(m -> (OFFlowAdd) m).filter(a -> a.getCookie().getValue() >>> 48 == 5).forEach(out::add));
        return out;
    }

    private static List<OFAction> actions(OFFlowAdd a) {
        return ((OFInstructionApplyActions) a.getInstructions().get(0)).getActions();
    }

    @Test
    void missingPortsAreAllocatedAndKeptFromDynamicNapt() throws AllocationException {
        RelayRule r = relays.create(udp(0, 0, null));
        assertThat(r.legs()).extracting(RelayLeg::publicPort).allMatch(p -> p >= 5000 && p <= 5003)
                .doesNotHaveDuplicates();
        List<Integer> napts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            napts.add(table.getOrCreate(Protocol.UDP, IPv4Address.of("10.0.0.11"), 1000 + i, NatTestConfigs.border(config), HOST_B,
                    OFPort.of(2)).session().publicPort());
        }
        assertThat(napts).doesNotContainAnyElementsOf(r.legs().stream().map(RelayLeg::publicPort).toList());
        assertThatThrownBy(() -> table.getOrCreate(Protocol.UDP, IPv4Address.of("10.0.0.11"), 2000, NatTestConfigs.border(config), HOST_B,
                OFPort.of(2))).isInstanceOf(AllocationException.class);
        relays.delete(r.id());
        assertThat(bed.ports.holder(Protocol.UDP, POOL, r.legs().get(0).publicPort())).isEmpty();
    }

    @Test
    void badRulesAreRefusedNamingTheFieldAndConflictsAreRefusedWithoutSideEffects() {
        assertThatThrownBy(() -> relays.create(udp(7000, 7000, null))).isInstanceOf(RuleException.class)
                .hasFieldOrPropertyWithValue("field", "legs[1].publicPort");
        assertThatThrownBy(() -> relays.create(new RelayRule(0, Protocol.UDP, null, List.of(new RelayLeg(1, null)),
                60, ""))).hasFieldOrPropertyWithValue("field", "legs");
        assertThatThrownBy(() -> relays.create(new RelayRule(0, Protocol.TCP, null, udp(7000, 7001, null).legs(),
                60, ""))).hasFieldOrPropertyWithValue("field", "protocol");
        assertThatThrownBy(() -> relays.create(new RelayRule(0, Protocol.UDP, IPv4Address.of("192.0.2.1"),
                udp(7000, 7001, null).legs(), 60, ""))).hasFieldOrPropertyWithValue("field", "publicAddress");
        assertThatThrownBy(() -> relays.create(new RelayRule(0, Protocol.UDP, null, udp(7000, 7001, null).legs(),
                0, ""))).hasFieldOrPropertyWithValue("field", "idleTimeout");
        RelayRule first = relays.create(udp(7000, 7001, null));
        assertThatThrownBy(() -> relays.create(udp(7002, 7001, null))).isInstanceOf(RuleException.class)
                .hasFieldOrPropertyWithValue("kind", RuleException.Kind.CONFLICT)
                .hasMessageContaining("relay " + first.id());
        assertThat(bed.ports.holder(Protocol.UDP, POOL, 7002)).as("nothing half-applied").isEmpty();
        bed.ports.reserve(Protocol.UDP, POOL, 7100, "a port forward"); // as a port forward does
        assertThatThrownBy(() -> relays.create(udp(7101, 7100, null))).hasMessageContaining("held by a port forward")
                .hasFieldOrPropertyWithValue("kind", RuleException.Kind.CONFLICT);
        assertThat(bed.ports.holder(Protocol.UDP, POOL, 7101)).isEmpty();
        assertThat(bed.ports.holder(Protocol.UDP, POOL, 7000)).as("the first relay's port, named for others")
                .contains("a relay");
        assertThat(relays.all()).hasSize(1);
    }

    @Test
    void firstSendersAreBoundAndThenRelayedInTheSwitch() {
        borderUp();
        RelayRule r = relays.create(udp(7000, 7001, "198.51.100.0/24"));
        assertThat(adds()).as("a punt flow per leg").hasSize(2)
                .allMatch(a -> a.getPriority() == Pipeline.Band.RELAY_LEG.priority());
        assertThat(fromOutside("192.0.2.9", 4000, 7000)).as("consumed").isTrue();
        assertThat(relays.status(r.id()).orElseThrow().legs().get(0).boundPeer()).as("not an allowed source")
                .isNull();
        fromOutside("198.51.100.20", 4000, 7000);
        assertThat(relays.status(r.id()).orElseThrow().legs().get(0).boundPeer())
                .isEqualTo(new Endpoint(IPv4Address.of("198.51.100.20"), 4000));
        OFFlowAdd wait = adds().get(adds().size() - 1);
        assertThat(wait.getInstructions()).as("the waiting leg drops in the switch").isEmpty();
        assertThat(wait.getIdleTimeout()).isEqualTo(60);
        assertThat(packets.sent).isEmpty();
        fromOutside("198.51.100.21", 4000, 7000); // a stranger on the bound leg: nothing changes
        int before = flows.batches.size();
        fromInside(5555, 7001);
        assertThat(flows.batches.size()).isGreaterThan(before);
        List<OFFlowAdd> directions = adds().stream().filter(a -> a.getPriority() == Pipeline.Band.RELAY_DIRECTION.priority()).toList();
        assertThat(directions).hasSize(2);
        OFFlowAdd toB = directions.get(0);
        assertThat(toB.getMatch().get(MatchField.IPV4_SRC)).isEqualTo(IPv4Address.of("198.51.100.20"));
        assertThat(toB.getMatch().get(MatchField.UDP_DST).getPort()).isEqualTo(7000);
        assertThat(actions(toB)).anyMatch(a -> a instanceof OFActionSetField s
                && s.getField().getValue().equals(IPv4Address.of("10.0.0.11")));
        assertThat(actions(toB)).anyMatch(a -> a instanceof OFActionSetField s
                && s.getField().getValue().equals(org.projectfloodlight.openflow.types.TransportPort.of(7001)));
        assertThat(actions(toB)).anyMatch(a -> a instanceof OFActionOutput o && o.getPort().equals(OFPort.of(2)));
        OFFlowAdd toA = directions.get(1);
        assertThat(toA.getMatch().get(MatchField.IN_PORT)).isEqualTo(OFPort.of(2));
        assertThat(actions(toA)).anyMatch(a -> a instanceof OFActionSetField s
                && s.getField().getValue().equals(UPSTREAM));
        assertThat(actions(toA)).anyMatch(a -> a instanceof OFActionOutput o && o.getPort().equals(OFPort.of(1)));
        assertThat(packets.sent).as("the binding packet goes on through the new flows").hasSize(1);
        assertThat(packets.sent.get(0).actions().get(0)).isInstanceOf(OFActionOutput.class)
                .matches(a -> ((OFActionOutput) a).getPort().equals(OFPort.TABLE));
        RelayStatus s = relays.status(r.id()).orElseThrow();
        assertThat(s.legs().get(1).boundPeer()).isEqualTo(new Endpoint(IPv4Address.of("10.0.0.11"), 5555));
        assertThat(s.controllerPackets()).isEqualTo(4);

        // Both directions idle out: the bindings go and the legs take new peers.
        var f = OFFactories.getFactory(OFVersion.OF_13);
        relays.udp().flowRemoved(DPID, f.buildFlowRemoved().setCookie(toB.getCookie()).setMatch(toB.getMatch())
                .setReason(OFFlowRemovedReason.IDLE_TIMEOUT).setPacketCount(U64.of(10)).setByteCount(U64.of(500))
                .setTableId(TableId.of(1)).build());
        RelayStatus after = relays.status(r.id()).orElseThrow();
        assertThat(after.legs()).allMatch(l -> l.boundPeer() == null);
        assertThat(after.legs().get(0).packets()).as("counters kept").isEqualTo(10);
        assertThat(flows.batches.get(flows.batches.size() - 1).messages()).filteredOn(m -> m instanceof OFFlowAdd)
                .hasSize(2).allMatch(m -> ((OFFlowAdd) m).getPriority() == Pipeline.Band.RELAY_LEG.priority()
                        && !((OFFlowAdd) m).getInstructions().isEmpty());

        relays.delete(r.id());
        List<OFMessage> last = flows.batches.get(flows.batches.size() - 1).messages();
        assertThat(last).hasSize(1).first().isInstanceOf(OFFlowDelete.class);
        assertThat(fromOutside("198.51.100.20", 4000, 7000)).as("no longer a relay port").isFalse();
    }

    /** Statistics answered from a fixed flow table, filtered by cookie like a switch does. */
    private static final class TableStatistics implements org.natflow.controller.api.StatisticsService {
        private final List<org.projectfloodlight.openflow.protocol.OFFlowStatsEntry> table;

        TableStatistics(List<org.projectfloodlight.openflow.protocol.OFFlowStatsEntry> table) {
            this.table = table;
        }

        @Override
        public java.util.concurrent.CompletableFuture<List<org.projectfloodlight.openflow.protocol.OFFlowStatsEntry>>
                flowStats(Dpid dpid, U64 cookie, U64 mask) {
            return java.util.concurrent.CompletableFuture.completedFuture(table.stream()
                    .filter(e -> (e.getCookie().getValue() & mask.getValue()) == (cookie.getValue() & mask.getValue()))
                    .toList());
        }

        @Override
        public java.util.concurrent.CompletableFuture<List<org.projectfloodlight.openflow.protocol.OFPortStatsEntry>>
                portStats(Dpid dpid) {
            return java.util.concurrent.CompletableFuture.completedFuture(List.of());
        }
    }

    @Test
    void aRestartedControllerReadsBindingsBackFromTheFlowTableAndDropsStaleRules() {
        borderUp();
        RelayRule r = relays.create(udp(7000, 7001, null));
        fromOutside("198.51.100.20", 4000, 7000);
        fromInside(5555, 7001);
        var f = OFFactories.getFactory(OFVersion.OF_13);
        List<org.projectfloodlight.openflow.protocol.OFFlowStatsEntry> switchTable = new ArrayList<>();
        for (OFFlowAdd a : adds()) {
            if (a.getPriority() == Pipeline.Band.RELAY_DIRECTION.priority()) {
                switchTable.add(f.buildFlowStatsEntry().setTableId(a.getTableId()).setPriority(a.getPriority())
                        .setCookie(a.getCookie()).setMatch(a.getMatch()).setInstructions(a.getInstructions())
                        .setPacketCount(U64.of(7)).setByteCount(U64.of(700)).build());
            }
        }
        assertThat(switchTable).hasSize(2);
        switchTable.add(f.buildFlowStatsEntry().setTableId(TableId.of(1)).setPriority(Pipeline.Band.RELAY_LEG.priority())
                .setCookie(RelayFlows.cookie(99, 0)).setMatch(f.matchWildcardAll()).build());

        // natflow restarts: same database, same switch, new everything else.
        TableStatistics stats = new TableStatistics(switchTable);
        RecordingFlowService flows2 = new RecordingFlowService();
        BorderBed bed2 = new BorderBed(config, flows2, new RecordingPacketService(), stats, SWITCH);
        try {
            RelayService relays2 = new RelayService(bed2.ports, store, flows2, new RecordingPacketService(),
                    bed2.borders, stats);
            relays2.start();
            bed2.event(SwitchEvent.Type.CONNECTED, SWITCH);
            RelayStatus s = relays2.status(r.id()).orElseThrow();
            assertThat(s.legs().get(0).boundPeer()).isEqualTo(new Endpoint(IPv4Address.of("198.51.100.20"), 4000));
            assertThat(s.legs().get(1).boundPeer()).isEqualTo(new Endpoint(IPv4Address.of("10.0.0.11"), 5555));
            assertThat(s.legs().get(0).packets()).as("counters read from the switch").isEqualTo(7);
            List<OFMessage> sent = new ArrayList<>();
            flows2.batches.forEach(b -> sent.addAll(b.messages()));
            assertThat(sent).filteredOn(m -> m instanceof OFFlowAdd a && a.getPriority() == Pipeline.Band.RELAY_LEG.priority())
                    .as("live relay: its legs drop strangers, no punt").hasSize(2)
                    .allMatch(m -> ((OFFlowAdd) m).getInstructions().isEmpty());
            assertThat(sent).filteredOn(m -> m instanceof OFFlowDelete d
                    && d.getCookie().equals(RelayFlows.cookie(99, 0))).as("a deleted rule's flows go").hasSize(1);
        } finally {
            bed2.close();
        }
    }

    @Test
    void aBorderRetiredThroughItsUplinkEndsItsBindingsAndItsRelayFlowsThere() {
        borderUp();
        RelayRule r = relays.create(udp(7000, 7001, null));
        fromOutside("198.51.100.20", 4000, 7000);
        fromInside(5555, 7001);
        assertThat(relays.status(r.id()).orElseThrow().legs()).allMatch(l -> l.boundPeer() != null);
        flows.batches.clear();
        // The uplink moves to another port: this switch's border is retired, then adopted again.
        bed.borders.setUplinks(List.of(org.natflow.apps.border.Uplink.named("s1-eth2", List.of())));
        assertThat(relays.status(r.id()).orElseThrow().legs()).allMatch(l -> l.boundPeer() == null);
        assertThat(flows.batches.stream().flatMap(b -> b.messages().stream()))
                .anyMatch(m -> m instanceof org.projectfloodlight.openflow.protocol.OFFlowDelete d
                        && d.getCookie().equals(AppCookies.appOnly(AppCookies.RELAY))
                        && d.getCookieMask().equals(AppCookies.APP_MASK));
        assertThat(adds()).as("re-adopted: the legs punt again on the new uplink")
                .filteredOn(a -> a.getPriority() == Pipeline.Band.RELAY_LEG.priority()).hasSize(2)
                .allMatch(a -> OFPort.of(2).equals(a.getMatch().get(MatchField.IN_PORT)));
    }
}
