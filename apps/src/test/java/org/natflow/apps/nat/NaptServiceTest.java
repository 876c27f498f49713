package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.testing.EmptyStatisticsService;
import org.natflow.apps.testing.FixedSwitchService;
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
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowModFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
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
    private final SessionTable table = new SessionTable(config, Clock.systemUTC());
    private final ScriptedFlowService flows = new ScriptedFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final NaptService napt = new NaptService(config, table, flows, packets, new FixedSwitchService(SWITCH),
            new EmptyStatisticsService());

    @AfterEach
    void stop() {
        napt.shutdown();
    }

    /** The border comes up and the upstream router answers the gateway's ARP on the uplink. */
    private void borderUp() {
        napt.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        assertThat(napt.borders()).containsExactly(DPID);
        byte[] reply = org.natflow.controller.packet.Frames.arp(2, MacAddress.of("02:6e:66:00:00:02"),
                MacAddress.of("02:00:00:00:00:99"), IPv4Address.of("203.0.113.1"), MacAddress.of("02:6e:66:00:00:02"),
                IPv4Address.of("203.0.113.10"));
        napt.onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(1), OFPacketInReason.NO_MATCH,
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
        return napt.onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2), OFPacketInReason.NO_MATCH,
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
        assertThat(table.usage().stream().mapToInt(PoolUsage::inUse).sum()).as("port back in the pool").isZero();
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
}
