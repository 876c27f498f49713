package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.Pipeline;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.PoolUsage;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowBatchResult;
import org.natflow.controller.api.FlowError;
import org.natflow.controller.api.FlowRemovedListener;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.Checksums;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFMeterMod;
import org.projectfloodlight.openflow.protocol.OFMeterModCommand;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

/** The NAT service against in-memory controller services: no switch, no sockets. */
class NaptServiceTest {

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress GW = MacAddress.of("02:6e:66:00:00:01");
    private static final MacAddress HOST = MacAddress.of("02:00:00:00:00:0b");

    /** Answers every batch; refuses the ones with mapping flows when told to. */
    static final class ScriptedFlowService implements FlowService {
        final List<List<? extends OFMessage>> batches = new ArrayList<>();
        volatile boolean refuseMappings;

        @Override
        public synchronized CompletableFuture<FlowBatchResult> apply(Dpid dpid, List<? extends OFMessage> messages) {
            org.natflow.apps.testing.PipelineCheck.inBands(messages);
            batches.add(messages);
            boolean mapping = messages.stream().anyMatch(m -> m instanceof org.projectfloodlight.openflow.protocol.OFFlowAdd a
                    && NatCookies.isMapping(a.getCookie()));
            if (refuseMappings && mapping) {
                var error = OFFactories.getFactory(OFVersion.OF_13).errorMsgs().buildFlowModFailedErrorMsg()
                        .setCode(OFFlowModFailedCode.TABLE_FULL).build();
                return CompletableFuture.completedFuture(new FlowBatchResult(messages.size(),
                        List.of(new FlowError(0, messages.get(0), error))));
            }
            return CompletableFuture.completedFuture(new FlowBatchResult(messages.size(), List.of()));
        }

        @Override
        public void addFlowRemovedListener(FlowRemovedListener listener) {
        }

        @Override
        public void removeFlowRemovedListener(FlowRemovedListener listener) {
        }
    }


    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));

    private final NatConfig config = NatTestConfigs.config(1024, 65535, 100, "203.0.113.10");
    private final ScriptedFlowService flows = new ScriptedFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(config, flows, packets, SWITCH);
    private final MappingTable table = bed.table;
    private final NaptService napt = bed.napt;

    @AfterEach
    void stop() {
        bed.close();
    }

    /** The border comes up and the upstream router answers the gateway's ARP on the uplink. */
    private void borderUp() {
        borderUp(bed);
    }

    private static void borderUp(BorderBed bed) {
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        assertThat(bed.borders.dpids()).containsExactly(DPID);
        byte[] reply = Frames.arp(2, MacAddress.of("02:6e:66:00:00:02"),
                MacAddress.of("02:00:00:00:00:99"), IPv4Address.of("203.0.113.1"), MacAddress.of("02:6e:66:00:00:02"),
                IPv4Address.of("203.0.113.10"));
        bed.packetIn(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(1), OFPacketInReason.NO_MATCH,
                TableId.of(1), U64.ZERO, PacketParser.parse(reply)));
    }

    /** A TCP SYN (or other IPv4 payload) from 10.0.0.11 to the gateway MAC. */
    private static byte[] toGateway(String dst, int protocol, byte[] l4, int ttl, int flagsFrag) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4.length);
        b.put(GW.getBytes()).put(HOST.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + l4.length)).putShort((short) 1)
                .putShort((short) flagsFrag).put((byte) ttl).put((byte) protocol).putShort((short) 0)
                .putInt(IPv4Address.of("10.0.0.11").getInt()).putInt(IPv4Address.of(dst).getInt()).put(l4);
        byte[] a = b.array();
        IcmpRewriter.putShort(a, 24, Checksums.ones(a, 14, 20));
        return a;
    }

    private static byte[] syn(int sport) {
        return ByteBuffer.allocate(20).putShort((short) sport).putShort((short) 80).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) 0x02).putShort((short) 1000).putInt(0).array();
    }

    private boolean packetIn(byte[] frame) {
        return packetIn(bed, frame);
    }

    private static boolean packetIn(BorderBed bed, byte[] frame) {
        return bed.packetIn(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2), OFPacketInReason.NO_MATCH,
                TableId.of(1), U64.ZERO, PacketParser.parse(frame)));
    }

    @Test
    void firstPacketInstallsInboundThenOutboundAndDuplicatesMakeOneMapping() {
        borderUp();
        byte[] syn = toGateway("198.51.100.10", 6, syn(40000), 64, 0);
        packetIn(syn);
        packetIn(syn);
        assertThat(table.size()).isEqualTo(1);
        List<? extends OFMessage> mapping = flows.batches.stream().filter(b -> b.size() == 2
                && b.get(0) instanceof org.projectfloodlight.openflow.protocol.OFFlowAdd a
                && NatCookies.isMapping(a.getCookie())).findFirst().orElseThrow();
        assertThat(NatCookies.isOutbound(((org.projectfloodlight.openflow.protocol.OFFlowAdd) mapping.get(0))
                .getCookie())).as("inbound first").isFalse();
        assertThat(NatCookies.isOutbound(((org.projectfloodlight.openflow.protocol.OFFlowAdd) mapping.get(1))
                .getCookie())).isTrue();
    }

    @Test
    void refusedFlowModReleasesTheMappingAndCountsIt() {
        borderUp();
        flows.refuseMappings = true;
        packetIn(toGateway("198.51.100.10", 6, syn(40001), 64, 0));
        assertThat(table.size()).as("mapping released").isZero();
        assertThat(napt.metrics().refusedSwitch.sum()).isEqualTo(1);
        assertThat(bed.ports.usage().stream().mapToInt(PoolUsage::inUse).sum()).as("port back in the pool").isZero();
        flows.refuseMappings = false;
        packetIn(toGateway("198.51.100.10", 6, syn(40001), 64, 0));
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void craftedPacketsLeaveNoState() {
        borderUp();
        int before = flows.batches.size();
        byte[] truncatedTcp = toGateway("198.51.100.10", 6, new byte[4], 64, 0);
        byte[] badIhl = toGateway("198.51.100.10", 17, new byte[8], 64, 0);
        badIhl[14] = 0x43;
        byte[] laterFragment = toGateway("198.51.100.10", 17, new byte[16], 64, 185);
        byte[] icmpErrorAboutNothing = toGateway("198.51.100.10", 1, ByteBuffer.allocate(36).put((byte) 3)
                .put((byte) 3).putShort((short) 0).putInt(0).put((byte) 0x45).put(new byte[27]).array(), 64, 0);
        byte[] spoofed = toGateway("198.51.100.10", 6, syn(40002), 64, 0);
        IcmpRewriter.putInt(spoofed, 26, IPv4Address.of("192.0.2.99").getInt());
        for (byte[] p : List.of(truncatedTcp, badIhl, laterFragment, icmpErrorAboutNothing, spoofed)) {
            packetIn(p);
        }
        assertThat(table.size()).isZero();
        assertThat(napt.mappingStateSizes()).allSatisfy((k, v) -> assertThat(v).as(k).isLessThanOrEqualTo(
                k.equals("fragments") ? 1 : 0));
        assertThat(flows.batches.subList(before, flows.batches.size())).as("no mapping flows installed")
                .allSatisfy(batch -> assertThat(batch).noneMatch(m -> m instanceof OFFlowAdd a
                        && NatCookies.isMapping(a.getCookie())));
        assertThat(napt.metrics().spoofed.sum()).isEqualTo(1);
    }

    @Test
    void ttlOneGetsTimeExceededFromTheGatewayAndNoMapping() {
        borderUp();
        packetIn(toGateway("198.51.100.10", 6, syn(40003), 1, 0));
        assertThat(table.size()).isZero();
        var out = PacketParser.parse(packets.sent.get(packets.sent.size() - 1).data()).ipv4();
        assertThat(out.src()).isEqualTo(IPv4Address.of("10.0.0.1"));
        assertThat(out.dst()).isEqualTo(IPv4Address.of("10.0.0.11"));
        assertThat(out.protocol()).isEqualTo(1);
    }

    @Test
    void spoofedInsideSourcesGetNoMoreMetersThanTheBoundAndIdleHostsGiveThemBack() {
        NatConfig metered = NatTestConfigs.metered(config, 5, 4);
        ScriptedFlowService recorded = new ScriptedFlowService();
        try (BorderBed limited = new BorderBed(metered, recorded, new RecordingPacketService(), SWITCH)) {
            borderUp(limited);
            for (int i = 2; i < 202; i++) {
                byte[] syn = toGateway("198.51.100.10", 6, syn(40000), 64, 0);
                IcmpRewriter.putInt(syn, 26, IPv4Address.of("10.0.0." + (i % 250 + 2)).getInt());
                IcmpRewriter.putShort(syn, 24, 0);
                IcmpRewriter.putShort(syn, 24, Checksums.ones(syn, 14, 20));
                packetIn(limited, syn);
            }
            assertThat(meterMods(recorded, OFMeterModCommand.ADD)).as("meters for the first four hosts only")
                    .containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
            assertThat(limited.napt.trackedHosts()).isEqualTo(4);
            assertThat(limited.napt.metrics().hostsUntracked.sum()).as("the other hosts' new flows").isPositive();
            assertThat(limited.napt.metrics().refusedRate.sum()).as("hosts past the bound share one bucket")
                    .isPositive();
            assertThat(limited.borders.hosts().size()).isLessThanOrEqualTo(250);

            recorded.batches.clear();
            limited.napt.forgetIdleHosts(System.nanoTime() + NaptService.HOST_IDLE_NANOS + 1);
            assertThat(limited.napt.trackedHosts()).isZero();
            assertThat(limited.napt.metrics().hostsForgotten.sum()).isEqualTo(4);
            assertThat(meterMods(recorded, OFMeterModCommand.DELETE)).as("each idle host's meter deleted")
                    .containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
            assertThat(recorded.batches).as("its punt flow before its meter").allSatisfy(batch -> assertThat(batch
                    .get(0)).isInstanceOf(OFFlowDeleteStrict.class));

            recorded.batches.clear();
            byte[] again = toGateway("198.51.100.10", 6, syn(40001), 64, 0);
            packetIn(limited, again);
            assertThat(meterMods(recorded, OFMeterModCommand.ADD)).as("a freed meter id is used again")
                    .containsExactly(1L);
        }
    }

    private static List<Long> meterMods(ScriptedFlowService flows, OFMeterModCommand command) {
        return flows.batches.stream().flatMap(List::stream).filter(m -> m instanceof OFMeterMod mm
                && mm.getCommand() == command).map(m -> ((OFMeterMod) m).getMeterId()).toList();
    }

    // ---- conntrack datapath ----

    private static List<OFFlowAdd> adds(List<? extends OFMessage> batch) {
        return batch.stream().filter(m -> m instanceof OFFlowAdd).map(m -> (OFFlowAdd) m).toList();
    }

    @Test
    void conntrackDatapathGivesAHostOneBlockAndHandsItsConnectionsToTheSwitch() {
        NatConfig ct = config.withDatapath(NatDatapath.CONNTRACK);
        BorderBed ctBed = new BorderBed(ct, flows, packets, SWITCH);
        NaptService svc = ctBed.napt;
        try {
            borderUp(ctBed);
            List<OFFlowAdd> statics = flows.batches.stream().flatMap(b -> adds(b).stream())
                    .filter(a -> a.getCookie().equals(NatCookies.STATIC) || a.getCookie().equals(NatCookies.TCP_CLOSE))
                    .toList();
            assertThat(statics).as("no FIN/RST copies: the tracker follows TCP")
                    .noneMatch(a -> a.getCookie().equals(NatCookies.TCP_CLOSE));
            assertThat(statics).anyMatch(a -> a.getPriority() == Pipeline.Band.NAT_BLOCK_UNTRACKED.priority());

            byte[] syn = toGateway("198.51.100.10", 6, syn(40000), 64, 0);
            packetIn(ctBed, syn);
            packetIn(ctBed, toGateway("198.51.100.11", 6, syn(40001), 64, 0));
            assertThat(ctBed.table.size()).as("no per-connection mappings").isZero();
            assertThat(ctBed.blocks.all()).hasSize(1);
            PortBlock block = ctBed.blocks.all().get(0);
            assertThat(block.inside()).isEqualTo(IPv4Address.of("10.0.0.11"));
            assertThat(block.size()).isEqualTo(100);
            assertThat(block.hostMac()).isEqualTo(HOST);
            List<List<? extends OFMessage>> blockBatches = flows.batches.stream().filter(b -> adds(b).stream()
                    .anyMatch(a -> NatCookies.isBlock(a.getCookie()))).toList();
            assertThat(blockBatches).as("one set of block flows for both connections").hasSize(1);
            assertThat(adds(blockBatches.get(0))).hasSize(3);
            var throughTables = List.of(OFFactories.getFactory(OFVersion.OF_13).actions().output(OFPort.TABLE, 0));
            assertThat(packets.sent).as("both first packets go back through the new flows, as they came")
                    .filteredOn(p -> p.actions().equals(throughTables)).extracting(p -> p.inPort(), p -> p.data().length)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(OFPort.of(2), syn.length),
                            org.assertj.core.groups.Tuple.tuple(OFPort.of(2), syn.length));
            assertThat(svc.metrics().blocksAssigned.sum()).isEqualTo(1);

            // Idle: the outbound flow leaves the switch and the block returns to the pool.
            OFFlowAdd out = adds(blockBatches.get(0)).stream().filter(a -> NatCookies.isOutbound(a.getCookie()))
                    .findFirst().orElseThrow();
            svc.flowRemoved(DPID, OFFactories.getFactory(OFVersion.OF_13).buildFlowRemoved()
                    .setCookie(out.getCookie()).setMatch(out.getMatch()).setPriority(out.getPriority())
                    .setTableId(out.getTableId())
                    .setReason(org.projectfloodlight.openflow.protocol.OFFlowRemovedReason.IDLE_TIMEOUT).build());
            assertThat(ctBed.blocks.all()).isEmpty();
            assertThat(svc.metrics().blocksReleased.sum()).isEqualTo(1);
            assertThat(ctBed.ports.holder(Protocol.TCP, block.address(), block.first())).isEmpty();

            // Its next packet gets it a block again.
            packetIn(ctBed, syn);
            assertThat(ctBed.blocks.all()).hasSize(1);
        } finally {
            ctBed.close();
        }
    }

    private static byte[] tcp(int sport, int dport) {
        return ByteBuffer.allocate(20).putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) 0x02).putShort((short) 1000).putInt(0).array();
    }

    /** A copy of a new connection from table 5, as the tracker translated it: from {@code pub:pubPort}. */
    private static PacketContext trackedCopy(IPv4Address pub, int pubPort, String inside, int insidePort) {
        byte[] frame = toGateway("198.51.100.10", 6, tcp(pubPort, 80), 63, 0);
        ByteBuffer.wrap(frame).putInt(26, pub.getInt());
        var f = OFFactories.getFactory(OFVersion.OF_13);
        var match = f.buildMatch().setExact(org.projectfloodlight.openflow.protocol.match.MatchField.REG0,
                        org.projectfloodlight.openflow.types.U32.of(IPv4Address.of(inside).getInt() & 0xffffffffL))
                .setExact(org.projectfloodlight.openflow.protocol.match.MatchField.REG1,
                        org.projectfloodlight.openflow.types.U32.of(insidePort)).build();
        return new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2), OFPacketInReason.ACTION,
                Pipeline.Table.TRACKED_COPY.id(), NatCookies.STATIC, PacketParser.parse(frame), match);
    }

    @Test
    void conntrackDatapathHairpinsToWhatTheTrackerTranslatedEvenToTheSendersOwnMapping() {
        NatConfig ct = config.withDatapath(NatDatapath.CONNTRACK);
        BorderBed ctBed = new BorderBed(ct, flows, packets, SWITCH);
        try {
            borderUp(ctBed);
            packetIn(ctBed, toGateway("198.51.100.10", 6, syn(40000), 64, 0));
            PortBlock block = ctBed.blocks.all().get(0);
            var copies = ctBed.napt.trackedCopies().orElseThrow();
            assertThat(copies.onPacket(trackedCopy(block.address(), block.last() + 1, "10.0.0.11", 40000)))
                    .as("consumed, never seen by other listeners").isTrue();
            assertThat(ctBed.napt.metrics().trackedCopiesUnusable.sum()).as("outside the host's block").isEqualTo(1);
            copies.onPacket(trackedCopy(block.address(), block.first() + 3, "10.0.0.11", 40000));
            assertThat(ctBed.napt.metrics().trackedCopiesLearned.sum()).isEqualTo(1);
            assertThat(copies.onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2),
                    OFPacketInReason.NO_MATCH, TableId.of(1), U64.ZERO, PacketParser.parse(syn(1)))))
                    .as("other tables are not its").isFalse();

            int before = flows.batches.size();
            // The host's second socket reaches its first socket's public endpoint.
            packetIn(ctBed, toGateway(block.address().toString(), 6, tcp(41000, block.first() + 3), 64, 0));
            List<OFFlowAdd> hairpin = flows.batches.subList(before, flows.batches.size()).stream()
                    .flatMap(b -> adds(b).stream())
                    .filter(a -> a.getPriority() == Pipeline.Band.NAT_HAIRPIN.priority()).toList();
            assertThat(hairpin).hasSize(2);
            String toFirst = hairpin.get(0).getInstructions().toString();
            assertThat(toFirst).contains("10.0.0.11").contains("value=40000").contains("port=in_port");

            // The answer races the pair into the switch and meets the punt: the tracked endpoint answers from
            // the public port the tracker gave it, not from a mapping of its own.
            NatSession second = ctBed.table.byInside(Protocol.TCP, IPv4Address.of("10.0.0.11"), 41000).orElseThrow();
            int again = flows.batches.size();
            packetIn(ctBed, toGateway(block.address().toString(), 6, tcp(40000, second.publicPort()), 64, 0));
            assertThat(ctBed.table.byInside(Protocol.TCP, IPv4Address.of("10.0.0.11"), 40000)).isEmpty();
            List<OFFlowAdd> pair = flows.batches.subList(again, flows.batches.size()).stream()
                    .flatMap(b -> adds(b).stream())
                    .filter(a -> a.getPriority() == Pipeline.Band.NAT_HAIRPIN.priority()).toList();
            assertThat(pair).hasSize(2);
            assertThat(pair.get(0).getInstructions().toString()).as("from the tracker's port")
                    .contains("value=" + (block.first() + 3));
            assertThat(NatCookies.sessionId(pair.get(0).getCookie())).as("owned by the real mapping")
                    .isEqualTo(second.id());
        } finally {
            ctBed.close();
        }
    }

    @Test
    void conntrackDatapathRefusesAHostWhenNoBlockIsFree() {
        // 100 ports per host in a range of 150: one block.
        NatConfig ct = NatTestConfigs.config(1024, 1173, 100, "203.0.113.10").withDatapath(NatDatapath.CONNTRACK);
        BorderBed ctBed = new BorderBed(ct, flows, packets, SWITCH);
        NaptService svc = ctBed.napt;
        try {
            borderUp(ctBed);
            ctBed.blocks.block(IPv4Address.of("10.0.0.99"), ctBed.borders.border(DPID), HOST, OFPort.of(2));
            int before = packets.sent.size();
            packetIn(ctBed, toGateway("198.51.100.10", 17, new byte[] {0x13, (byte) 0x88, 0, 53, 0, 8, 0, 0}, 64, 0));
            assertThat(svc.metrics().refusedPool.sum()).isEqualTo(1);
            assertThat(packets.sent).hasSize(before);
        } catch (AllocationException e) {
            throw new AssertionError(e);
        } finally {
            ctBed.close();
        }
    }
}
