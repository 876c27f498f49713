package org.natflow.apps.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.Pipeline;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.Endpoint;
import org.natflow.apps.ports.PortRange;
import org.natflow.apps.service.Conversation;
import org.natflow.apps.service.ServiceLink;
import org.natflow.apps.service.ServiceLinkConfig;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.packet.Checksums;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.TcpSegment;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.TransportPort;
import org.projectfloodlight.openflow.types.U64;

/** Interception rules and the steering of first SYNs, against in-memory controller services. */
class InterceptServiceTest {

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress HOST = MacAddress.of("02:00:00:00:00:02");
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true),
                    new SwitchPort(3, "nfsvc-s1", MacAddress.of(3), true)));

    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingFlowService flows = new RecordingFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(nat, flows, packets, SWITCH);
    private final ServiceLink link = new ServiceLink(new ServiceLinkConfig("nfsvc-s1", IPv4Address.of("169.254.100.1"),
            IPv4Address.of("169.254.100.2"), MacAddress.of("02:6e:66:00:00:fe"), () -> MacAddress.of("02:aa:00:00:00:01"),
            900, 7440), flows, packets, new FixedSwitchService(SWITCH), bed.borders);
    private final MemoryStore store = new MemoryStore();
    private final InterceptService service = new InterceptService(store, bed.borders, link, packets);
    private boolean ready = true;

    @BeforeEach
    void up() {
        link.start();
        service.start();
        service.setTarget(new InterceptTarget() {
            @Override
            public int port() {
                return 3129;
            }

            @Override
            public boolean ready() {
                return ready;
            }
        });
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
    }

    @AfterEach
    void stop() {
        bed.close();
    }

    private static InterceptRule rule(String source, String destination, String ports, Fallback fallback) {
        return new InterceptRule(0, List.of(Addresses.prefix(source)), destination == null ? List.of()
                : List.of(Addresses.prefix(destination)), List.of(PortRange.parse(ports)), true, fallback, "");
    }

    @Test
    void rulesAreCheckedStoredAndReplaced() {
        InterceptRule web = service.create(rule("10.0.0.0/24", null, "80", Fallback.NAPT));
        assertThat(store.rules).containsExactly(web);
        assertThatThrownBy(() -> service.create(rule("10.0.0.2/32", "198.51.100.0/24", "80", Fallback.NAPT)))
                .isInstanceOf(RuleException.class).hasMessageContaining("overlaps interception rule " + web.id());
        InterceptRule disabled = new InterceptRule(0, web.sources(), web.destinations(), web.ports(), false,
                Fallback.NAPT, "kept for later");
        assertThat(service.create(disabled).id()).as("a disabled rule overlaps nothing").isPositive();
        assertThatThrownBy(() -> service.create(rule("192.0.2.0/24", null, "80", Fallback.NAPT)))
                .isInstanceOf(RuleException.class).extracting(e -> ((RuleException) e).field()).isEqualTo("sources");
        assertThatThrownBy(() -> service.create(rule("10.0.0.0/24", "10.0.0.128/25", "443", Fallback.NAPT)))
                .isInstanceOf(RuleException.class).extracting(e -> ((RuleException) e).field())
                .isEqualTo("destinations");
        InterceptRule moved = service.update(new InterceptRule(web.id(), web.sources(), web.destinations(),
                List.of(PortRange.parse("8080")), true, Fallback.REFUSE, ""));
        assertThat(service.get(web.id())).contains(moved);
        service.delete(web.id());
        assertThatThrownBy(() -> service.delete(web.id())).isInstanceOf(NotFoundException.class);
        assertThat(store.rules).hasSize(1);
        service.setUnsupported("the conntrack datapath");
        assertThatThrownBy(() -> service.create(rule("10.0.0.0/24", null, "81", Fallback.NAPT)))
                .isInstanceOf(RuleException.class).hasMessageContaining("conntrack");
    }

    @Test
    void aMatchedFirstSynBecomesAConversationToTheSplicerKeepingTheServer() {
        service.create(rule("10.0.0.0/24", "203.0.113.0/24", "8000-8010", Fallback.NAPT));
        assertThat(packetIn(syn("10.0.0.2", 40000, "203.0.113.20", 8005, TcpSegment.SYN))).isTrue();
        assertThat(link.conversations()).hasSize(1);
        Conversation c = link.conversations().get(0);
        assertThat(c.remote()).isEqualTo(new Endpoint(IPv4Address.of("10.0.0.2"), 40000));
        assertThat(c.publicSide()).as("the original destination").isEqualTo(new Endpoint(IPv4Address.of("203.0.113.20"),
                8005));
        assertThat(c.servicePort()).isEqualTo(3129);
        assertThat(c.inside()).isTrue();
        OFFlowAdd in = flows.batches.stream().flatMap(b -> b.messages().stream())
                .filter(m -> m instanceof OFFlowAdd a && a.getPriority() == Pipeline.Band.SERVICE_CONVERSATION.priority())
                .map(m -> (OFFlowAdd) m).findFirst().orElseThrow();
        assertThat(((OFInstructionApplyActions) in.getInstructions().get(0)).getActions())
                .anyMatch(a -> a instanceof OFActionSetField s && s.getField().getValue().equals(TransportPort.of(3129)));
        assertThat(service.intercepted.get()).isEqualTo(1);

        assertThat(packetIn(syn("10.0.0.2", 40001, "203.0.113.20", 9000, TcpSegment.SYN))).as("another port").isFalse();
        assertThat(packetIn(syn("10.0.0.2", 40002, "198.51.100.1", 8005, TcpSegment.SYN))).as("another server")
                .isFalse();
        assertThat(packetIn(syn("10.0.0.2", 40003, "203.0.113.20", 8005, TcpSegment.SYN | TcpSegment.ACK)))
                .as("not a first SYN").isFalse();
        assertThat(packetIn(syn("10.0.0.2", 40004, "203.0.113.10", 8005, TcpSegment.SYN))).as("natflow's own address")
                .isFalse();
        assertThat(link.conversations()).hasSize(1);
    }

    @Test
    void whileTheSplicerIsNotReadyRulesFallBackToNaptOrAReset() {
        ready = false;
        InterceptRule napt = service.create(rule("10.0.0.2/32", null, "80", Fallback.NAPT));
        assertThat(packetIn(syn("10.0.0.2", 41000, "198.51.100.1", 80, TcpSegment.SYN))).as("on to the NAT").isFalse();
        assertThat(service.fellBack.get()).isEqualTo(1);
        service.delete(napt.id());
        service.create(rule("10.0.0.2/32", null, "80", Fallback.REFUSE));
        int before = packets.sent.size();
        assertThat(packetIn(syn("10.0.0.2", 41001, "198.51.100.1", 80, TcpSegment.SYN))).isTrue();
        assertThat(link.conversations()).isEmpty();
        byte[] reset = packets.sent.get(before).data();
        EthernetFrame f = PacketParser.parse(reset);
        TcpSegment tcp = (TcpSegment) f.ipv4().transport();
        assertThat(f.dst()).isEqualTo(HOST);
        assertThat(f.ipv4().src()).as("as if from the server").isEqualTo(IPv4Address.of("198.51.100.1"));
        assertThat(tcp.srcPort()).isEqualTo(80);
        assertThat(tcp.dstPort()).isEqualTo(41001);
        assertThat(tcp.has(TcpSegment.RST) && tcp.has(TcpSegment.ACK)).isTrue();
        assertThat(tcp.ack()).as("acknowledges the SYN").isEqualTo(1001);
        assertThat(f.ipv4().checksumValid()).isTrue();
        byte[] pseudo = new byte[12 + 20];
        System.arraycopy(reset, 14 + 12, pseudo, 0, 8);
        pseudo[9] = 6;
        pseudo[11] = 20;
        System.arraycopy(reset, 34, pseudo, 12, 20);
        assertThat(Checksums.ones(pseudo, 0, pseudo.length)).as("the TCP checksum verifies").isZero();
        assertThat(service.refused.get()).isEqualTo(1);
    }

    private boolean packetIn(byte[] frame) {
        return service.onPacket(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2), OFPacketInReason.ACTION,
                TableId.of(1), U64.ZERO, PacketParser.parse(frame)));
    }

    private byte[] syn(String src, int sport, String dst, int dport, int flags) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20);
        b.put(nat.insideMac().getBytes()).put(HOST.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0)
                .put((byte) 64).put((byte) 6).putShort((short) 0)
                .putInt(IPv4Address.of(src).getInt()).putInt(IPv4Address.of(dst).getInt());
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0).put((byte) 0x50).put((byte) flags)
                .putShort((short) 1000).putInt(0);
        return b.array();
    }

    /** Rules in memory. */
    private static final class MemoryStore implements InterceptStore {
        final List<InterceptRule> rules = new ArrayList<>();
        private final AtomicLong ids = new AtomicLong();

        @Override
        public InterceptRule create(InterceptRule rule) {
            InterceptRule r = rule.withId(ids.incrementAndGet());
            rules.add(r);
            return r;
        }

        @Override
        public Optional<InterceptRule> update(InterceptRule rule) {
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i).id() == rule.id()) {
                    rules.set(i, rule);
                    return Optional.of(rule);
                }
            }
            return Optional.empty();
        }

        @Override
        public boolean delete(long id) {
            return rules.removeIf(r -> r.id() == id);
        }

        @Override
        public List<InterceptRule> all() {
            return List.copyOf(rules);
        }
    }
}
