package org.natflow.apps.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.Pipeline;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.BorderBed;
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
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/** The service link against in-memory controller services. */
class ServiceLinkTest {

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress GW_OUTSIDE = MacAddress.of("02:6e:66:00:00:02");
    private static final MacAddress UPSTREAM = MacAddress.of("02:00:00:00:00:99");
    private static final MacAddress SERVICE_MAC = MacAddress.of("02:aa:00:00:00:01");
    private static final MacAddress ALIAS_MAC = MacAddress.of("02:6e:66:00:00:fe");
    private static final IPv4Address POOL = IPv4Address.of("203.0.113.10");
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true),
                    new SwitchPort(3, "nfsvc-s1", MacAddress.of(3), true)));

    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final ServiceLinkConfig config = new ServiceLinkConfig("nfsvc-s1", IPv4Address.of("169.254.100.1"),
            IPv4Address.of("169.254.100.2"), ALIAS_MAC, () -> SERVICE_MAC, 900, 7440);
    private final RecordingFlowService flows = new RecordingFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final FixedSwitchService switches = new FixedSwitchService(SWITCH);
    private final BorderBed bed = new BorderBed(nat, flows, packets, SWITCH);
    private final ServiceLink link = new ServiceLink(config, flows, packets, switches, bed.borders);
    private final List<Conversation> closed = new ArrayList<>();

    @AfterEach
    void stop() {
        bed.close();
    }

    private void up() {
        link.start();
        link.addCloseListener(closed::add);
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        byte[] reply = Frames.arp(2, GW_OUTSIDE, UPSTREAM, IPv4Address.of("203.0.113.1"), GW_OUTSIDE, POOL);
        bed.packetIn(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(1), OFPacketInReason.NO_MATCH,
                TableId.of(1), U64.ZERO, PacketParser.parse(reply)));
        packets.sent.clear();
    }

    private static byte[] tcpSyn(MacAddress dstMac, MacAddress srcMac, String src, int sport, String dst, int dport) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20);
        b.put(dstMac.getBytes()).put(srcMac.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 6).putShort((short) 0)
                .putInt(IPv4Address.of(src).getInt()).putInt(IPv4Address.of(dst).getInt());
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x02)
                .putShort((short) 1000).putInt(0);
        return b.array();
    }

    private boolean packetIn(int port, byte[] frame) {
        return link.onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(port), OFPacketInReason.ACTION,
                TableId.of(1), U64.ZERO, PacketParser.parse(frame)));
    }

    private List<OFFlowAdd> adds(int priority) {
        List<OFFlowAdd> out = new ArrayList<>();
        flows.batches.forEach(b -> b.messages().stream().filter(m -> m instanceof OFFlowAdd a
                && a.getPriority() == priority).forEach(m -> out.add((OFFlowAdd) m)));
        return out;
    }

    private static List<OFAction> actions(OFFlowAdd a) {
        return ((OFInstructionApplyActions) a.getInstructions().get(0)).getActions();
    }

    @Test
    void aFirstPacketOpensAConversationTranslatedByTheSwitch() {
        up();
        assertThat(adds(Pipeline.Band.SERVICE_LINK_PUNT.priority())).as("static link flows").hasSize(1);
        assertThat(bed.borders.mayFlood(DPID, SWITCH.ports().get(2))).as("the link is not a host segment").isFalse();
        link.expose(Protocol.TCP, POOL, 41000);
        assertThat(adds(Pipeline.Band.SERVICE_EXPOSED.priority())).hasSize(1);
        assertThat(packetIn(1, tcpSyn(GW_OUTSIDE, UPSTREAM, "198.51.100.7", 5555, "203.0.113.10", 42000)))
                .as("not exposed: someone else's").isFalse();

        byte[] syn = tcpSyn(GW_OUTSIDE, UPSTREAM, "198.51.100.7", 5555, "203.0.113.10", 41000);
        assertThat(packetIn(1, syn)).isTrue();
        assertThat(link.conversations()).hasSize(1);
        Conversation c = link.conversations().get(0);
        assertThat(c.remote()).isEqualTo(new Endpoint(IPv4Address.of("198.51.100.7"), 5555));
        assertThat(c.publicSide()).isEqualTo(new Endpoint(POOL, 41000));
        assertThat(link.byAlias(Protocol.TCP, c.aliasPort())).contains(c);

        List<OFFlowAdd> conv = adds(Pipeline.Band.SERVICE_CONVERSATION.priority());
        assertThat(conv).hasSize(2);
        OFFlowAdd in = conv.get(0);
        assertThat(in.getMatch().get(MatchField.IN_PORT)).isEqualTo(OFPort.of(1));
        assertThat(actions(in)).anyMatch(a -> a instanceof OFActionSetField s
                && s.getField().getValue().equals(IPv4Address.of("169.254.100.1")));
        assertThat(actions(in)).anyMatch(a -> a instanceof OFActionSetField s
                && s.getField().getValue().equals(SERVICE_MAC));
        assertThat(actions(in)).anyMatch(a -> a instanceof OFActionOutput o && o.getPort().equals(OFPort.of(3)));
        OFFlowAdd out = conv.get(1);
        assertThat(out.getMatch().get(MatchField.IN_PORT)).isEqualTo(OFPort.of(3));
        assertThat(out.getMatch().get(MatchField.TCP_DST).getPort()).isEqualTo(c.aliasPort());
        assertThat(actions(out)).anyMatch(a -> a instanceof OFActionSetField s && s.getField().getValue().equals(POOL));
        assertThat(actions(out)).anyMatch(a -> a instanceof OFActionSetField s
                && s.getField().getValue().equals(UPSTREAM));
        assertThat(packets.sent).hasSize(1);
        assertThat(packets.sent.get(0).data()).isEqualTo(syn);

        packetIn(1, syn); // a retransmission: the same conversation
        assertThat(link.conversations()).hasSize(1);
        assertThat(adds(Pipeline.Band.SERVICE_CONVERSATION.priority())).hasSize(2);

        // The service answers before the flows are in: the packet comes back and is sent on through them.
        packets.sent.clear();
        byte[] answer = tcpSyn(ALIAS_MAC, SERVICE_MAC, "169.254.100.1", 41000, "169.254.100.2", c.aliasPort());
        assertThat(packetIn(3, answer)).isTrue();
        assertThat(packets.sent).hasSize(1);
        assertThat(((OFActionOutput) packets.sent.get(0).actions().get(0)).getPort()).isEqualTo(OFPort.TABLE);

        link.close(c);
        assertThat(link.conversations()).isEmpty();
        assertThat(closed).containsExactly(c);
        assertThat(flows.batches.get(flows.batches.size() - 1).messages().get(0)).isInstanceOf(OFFlowDelete.class);
    }

    @Test
    void theSwitchSideAnswersArpForTheAliasAndServicesCanSendFirst() throws Exception {
        up();
        byte[] request = Frames.arpRequest(SERVICE_MAC, IPv4Address.of("169.254.100.1"),
                IPv4Address.of("169.254.100.2"));
        assertThat(packetIn(3, request)).isTrue();
        ArpPacket reply = PacketParser.parse(packets.sent.get(0).data()).arp();
        assertThat(reply.opcode()).isEqualTo(ArpPacket.REPLY);
        assertThat(reply.senderMac()).isEqualTo(ALIAS_MAC);
        assertThat(reply.senderIp()).isEqualTo(IPv4Address.of("169.254.100.2"));

        Endpoint alias = link.connect(Protocol.UDP, new Endpoint(POOL, 5500),
                new Endpoint(IPv4Address.of("198.51.100.7"), 3480)).get();
        assertThat(alias.address()).isEqualTo(IPv4Address.of("169.254.100.2"));
        assertThat(link.byAlias(Protocol.UDP, alias.port()).orElseThrow().remote().port()).isEqualTo(3480);
        link.unexpose(Protocol.UDP, POOL, 5500);
        assertThat(link.conversations()).as("unexposing ends its conversations").isEmpty();
    }

    @Test
    void spoofedFirstPacketsCannotUseUpTheAliasPortsOfConfirmedClients() throws Exception {
        ServiceLink bounded = new ServiceLink(new ServiceLinkConfig("nfsvc-s1", IPv4Address.of("169.254.100.1"),
                IPv4Address.of("169.254.100.2"), ALIAS_MAC, () -> SERVICE_MAC, 900, 7440, 2, 50), flows, packets,
                switches, bed.borders);
        bounded.start();
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        bed.packetIn(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(1), OFPacketInReason.NO_MATCH,
                TableId.of(1), U64.ZERO, PacketParser.parse(Frames.arp(2, GW_OUTSIDE, UPSTREAM,
                        IPv4Address.of("203.0.113.1"), GW_OUTSIDE, POOL))));
        bounded.expose(Protocol.TCP, POOL, 41000);
        java.util.function.Function<byte[], Boolean> in = frame -> bounded.onPacket(new PacketContext(DPID,
                OFVersion.OF_13, OFPort.of(1), OFPacketInReason.ACTION, TableId.of(1), U64.ZERO,
                PacketParser.parse(frame)));
        // A real client's first packet, then its service vouches for it.
        in.apply(tcpSyn(GW_OUTSIDE, UPSTREAM, "192.0.2.77", 6000, "203.0.113.10", 41000));
        Conversation client = bounded.conversations().get(0);
        bounded.confirm(Protocol.TCP, client.aliasPort());
        // A flood from a thousand spoofed sources, and then some.
        for (int i = 0; i < 1000; i++) {
            in.apply(tcpSyn(GW_OUTSIDE, UPSTREAM, "198.51." + (100 + i / 250) + "." + (i % 250 + 1), 7000,
                    "203.0.113.10", 41000));
        }
        assertThat(bounded.unconfirmedCount()).as("unconfirmed conversations bounded").isEqualTo(50);
        assertThat(bounded.conversations()).hasSize(51).contains(client);
        // One source may hold only two unconfirmed conversations.
        for (int port = 8000; port < 8010; port++) {
            in.apply(tcpSyn(GW_OUTSIDE, UPSTREAM, "192.0.2.200", port, "203.0.113.10", 41000));
        }
        assertThat(bounded.conversations()).filteredOn(c -> c.remote().address().equals(IPv4Address.of("192.0.2.200")))
                .hasSize(2);
        // A new real client still gets in: the oldest unconfirmed gives way.
        in.apply(tcpSyn(GW_OUTSIDE, UPSTREAM, "192.0.2.88", 6000, "203.0.113.10", 41000));
        assertThat(bounded.conversations()).anyMatch(c -> c.remote().address().equals(IPv4Address.of("192.0.2.88")));
        assertThat(bounded.conversations()).contains(client);
    }

    @Test
    void insideHostsReachExposedGatewayPortsAndOnlyASynOpensAConversation() {
        MacAddress gwInside = MacAddress.of("02:6e:66:00:00:01");
        MacAddress host = MacAddress.of("02:00:00:00:00:11");
        up();
        link.exposeOnGateway(Protocol.TCP, 3128);
        assertThat(packetIn(2, tcpSyn(gwInside, host, "10.0.0.11", 40000, "10.0.0.1", 22)))
                .as("a gateway port nobody exposed: the NAT's business").isFalse();
        assertThat(packetIn(2, tcp(gwInside, host, "10.0.0.11", 40001, "10.0.0.1", 3128, 0x11)))
                .as("a late FIN+ACK without a conversation: taken, and dropped").isTrue();
        assertThat(link.conversations()).as("a late FIN opens nothing").isEmpty();
        assertThat(packetIn(1, tcpSyn(GW_OUTSIDE, UPSTREAM, "198.51.100.7", 5555, "10.0.0.1", 3128)))
                .as("from the uplink: not the link's (the NAT drops it)").isFalse();
        assertThat(link.conversations()).isEmpty();

        byte[] syn = tcpSyn(gwInside, host, "10.0.0.11", 40002, "10.0.0.1", 3128);
        assertThat(packetIn(2, syn)).isTrue();
        assertThat(link.conversations()).hasSize(1);
        Conversation c = link.conversations().get(0);
        assertThat(c.inside()).isTrue();
        assertThat(c.publicSide()).isEqualTo(new Endpoint(IPv4Address.of("10.0.0.1"), 3128));
        assertThat(c.servicePort()).isEqualTo(3128);
        OFFlowAdd back = adds(Pipeline.Band.SERVICE_CONVERSATION.priority()).get(1);
        assertThat(actions(back)).as("answers come from the gateway address")
                .anyMatch(a -> a instanceof OFActionSetField f && f.getField().getValue().equals(IPv4Address.of("10.0.0.1")));
        assertThat(packets.sent.get(packets.sent.size() - 1).data()).as("the SYN sent on").isEqualTo(syn);
        assertThat(packetIn(2, tcp(gwInside, host, "10.0.0.11", 40002, "10.0.0.1", 3128, 0x10)))
                .as("later segments of a known conversation are sent on").isTrue();
        assertThat(link.conversations()).hasSize(1);
        int sent = packets.sent.size();
        PacketContext finCopy = new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2), OFPacketInReason.ACTION,
                TableId.of(0), org.natflow.apps.AppCookies.cookie(org.natflow.apps.AppCookies.NAT, 1),
                PacketParser.parse(tcp(gwInside, host, "10.0.0.11", 40002, "10.0.0.1", 3128, 0x11)));
        assertThat(link.onPacket(finCopy)).as("a FIN copy is not the link's to send on").isFalse();
        assertThat(packets.sent).as("sending a copy on would have it copied again, for ever").hasSize(sent);

        link.unexposeOnGateway(Protocol.TCP, 3128);
        assertThat(link.conversations()).as("unexposing ends its conversations").isEmpty();
    }

    @Test
    void aServiceOnAnEphemeralPortIsTranslatedToItsPublicPort() throws Exception {
        up();
        Endpoint alias = link.connect(DPID, Protocol.TCP, new Endpoint(POOL, 45000),
                new Endpoint(IPv4Address.of("198.51.100.7"), 443), 51234).get();
        Conversation c = link.byAlias(Protocol.TCP, alias.port()).orElseThrow();
        assertThat(c.servicePort()).isEqualTo(51234);
        List<OFFlowAdd> conv = adds(Pipeline.Band.SERVICE_CONVERSATION.priority());
        assertThat(actions(conv.get(0))).as("towards the service: to its own port")
                .anyMatch(a -> a instanceof OFActionSetField f && f.getField().getValue().equals(TransportPort.of(51234)));
        assertThat(conv.get(1).getMatch().get(MatchField.TCP_SRC).getPort()).as("from the service's own port")
                .isEqualTo(51234);
        assertThat(actions(conv.get(1))).as("leaving from the public port")
                .anyMatch(a -> a instanceof OFActionSetField f && f.getField().getValue().equals(TransportPort.of(45000)));
        assertThat(link.connect(new Dpid(99), Protocol.TCP, new Endpoint(POOL, 45001),
                new Endpoint(IPv4Address.of("198.51.100.7"), 443), 51235)).as("a border without the link")
                .isCompletedExceptionally();
    }

    private static byte[] tcp(MacAddress dstMac, MacAddress srcMac, String src, int sport, String dst, int dport,
                              int flags) {
        byte[] frame = tcpSyn(dstMac, srcMac, src, sport, dst, dport);
        frame[14 + 20 + 13] = (byte) flags;
        return frame;
    }

    @Test
    void conversationsNobodyVouchesForAreGivenUpAfterTenSeconds() {
        long[] now = {0};
        ServiceLink timed = new ServiceLink(new ServiceLinkConfig("nfsvc-s1", IPv4Address.of("169.254.100.1"),
                IPv4Address.of("169.254.100.2"), ALIAS_MAC, () -> SERVICE_MAC, 900, 7440, 2, 50), flows, packets,
                switches, bed.borders, () -> now[0]);
        timed.start();
        timed.addCloseListener(closed::add);
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        timed.exposeOnGateway(Protocol.TCP, 3128);
        MacAddress gwInside = MacAddress.of("02:6e:66:00:00:01");
        MacAddress host = MacAddress.of("02:00:00:00:00:11");
        java.util.function.IntPredicate syn = port -> timed.onPacket(new PacketContext(DPID, OFVersion.OF_13,
                OFPort.of(2), OFPacketInReason.ACTION, TableId.of(1), U64.ZERO,
                PacketParser.parse(tcpSyn(gwInside, host, "10.0.0.11", port, "10.0.0.1", 3128))));
        // Two SYNs nothing accepts (the service was not listening yet): the source's share is used up.
        syn.test(41000);
        syn.test(41001);
        syn.test(41002);
        assertThat(timed.conversations()).as("two unconfirmed per source").hasSize(2);
        now[0] += Duration.ofSeconds(9).toNanos();
        syn.test(41003);
        assertThat(timed.conversations()).hasSize(2);
        now[0] += Duration.ofSeconds(2).toNanos();
        syn.test(41004);
        assertThat(timed.conversations()).as("the old ones given up, the new SYN served").hasSize(1);
        assertThat(timed.conversations().get(0).remote().port()).isEqualTo(41004);
        assertThat(closed).hasSize(2);
        timed.confirm(Protocol.TCP, timed.conversations().get(0).aliasPort());
        now[0] += Duration.ofMinutes(5).toNanos();
        syn.test(41005);
        assertThat(timed.conversations()).as("a confirmed one stays").hasSize(2);
    }
}
