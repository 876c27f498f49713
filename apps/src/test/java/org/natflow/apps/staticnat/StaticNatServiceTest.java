package org.natflow.apps.staticnat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
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
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.staticnat.StaticNatFlows.Kind;
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
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

class StaticNatServiceTest {

    /** The store as a map. */
    static final class InMemoryStore implements StaticNatStore {
        final Map<Long, StaticNatRule> rules = new TreeMap<>();
        private long next = 1;

        @Override
        public StaticNatRule create(StaticNatRule rule) {
            StaticNatRule r = rule.withId(next++);
            rules.put(r.id(), r);
            return r;
        }

        @Override
        public Optional<StaticNatRule> update(StaticNatRule rule) {
            return rules.replace(rule.id(), rule) == null ? Optional.empty() : Optional.of(rule);
        }

        @Override
        public boolean delete(long id) {
            return rules.remove(id) != null;
        }

        @Override
        public List<StaticNatRule> all() {
            return new ArrayList<>(rules.values());
        }
    }

    private static final Dpid DPID = new Dpid(1);
    private static final IPv4Address POOL = IPv4Address.of("203.0.113.10");
    private static final IPv4Address STATIC = IPv4Address.of("203.0.113.60");
    private static final IPv4Address HOST = IPv4Address.of("10.0.0.9");
    private static final MacAddress HOST_MAC = MacAddress.of("02:00:00:00:00:09");
    private static final IPv4Address REMOTE = IPv4Address.of("198.51.100.7");
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));

    private final NatConfig config = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final InMemoryStore store = new InMemoryStore();
    private final RecordingFlowService flows = new RecordingFlowService();
    private final RecordingPacketService packets = new RecordingPacketService();
    private final BorderBed bed = new BorderBed(config, flows, packets, SWITCH);
    private final StaticNatService statics = new StaticNatService(store, flows, packets, bed.borders, MappingLog.off(),
            Duration.ofMinutes(30), Clock.systemUTC());

    StaticNatServiceTest() {
        bed.listen(Pipeline.Listener.STATIC_NAT, statics);
    }

    @AfterEach
    void stop() {
        statics.shutdown();
        bed.close();
    }

    private static StaticNatRule rule(IPv4Address pub, IPv4Address inside, List<String> allowed) {
        return new StaticNatRule(0, pub, inside, null, allowed.stream().map(IPv4AddressWithMask::of).toList(), "",
                true);
    }

    private RuleException.Kind refusal(StaticNatRule r, String message) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> statics.create(r));
        assertThat(t).isInstanceOf(RuleException.class).hasMessageContaining(message);
        return ((RuleException) t).kind();
    }

    @Test
    void addressesThatCannotBeAHostsOwnAreRefusedNamingWhy() {
        statics.start();
        assertThat(refusal(rule(POOL, HOST, List.of()), "is in the NAT pool")).isEqualTo(RuleException.Kind.CONFLICT);
        assertThat(refusal(rule(IPv4Address.of("192.0.2.5"), HOST, List.of()), "not in the uplink subnet"))
                .isEqualTo(RuleException.Kind.INVALID);
        assertThat(refusal(rule(IPv4Address.of("203.0.113.1"), HOST, List.of()), "upstream gateway"))
                .isEqualTo(RuleException.Kind.INVALID);
        assertThat(refusal(rule(IPv4Address.of("203.0.113.255"), HOST, List.of()), "broadcast"))
                .isEqualTo(RuleException.Kind.INVALID);
        assertThat(refusal(rule(STATIC, IPv4Address.of("10.0.0.1"), List.of()), "the gateway itself"))
                .isEqualTo(RuleException.Kind.INVALID);
        assertThat(refusal(new StaticNatRule(0, STATIC, HOST, IPv4Address.of("203.0.113.11"), List.of(), "", true),
                "is not in the pool")).isEqualTo(RuleException.Kind.INVALID);
        assertThat(store.rules).as("nothing refused was stored").isEmpty();

        StaticNatRule first = statics.create(rule(STATIC, HOST, List.of()));
        assertThat(first.via()).as("served by the first pool address's border").isEqualTo(POOL);
        assertThat(refusal(rule(STATIC, IPv4Address.of("10.0.0.8"), List.of()), "held by static NAT " + first.id()))
                .isEqualTo(RuleException.Kind.CONFLICT);
        assertThat(refusal(rule(IPv4Address.of("203.0.113.61"), HOST, List.of()), "has a static address already"))
                .isEqualTo(RuleException.Kind.CONFLICT);
        statics.update(first.id(), rule(STATIC, HOST, List.of("198.51.100.0/24")));
        assertThat(store.rules).hasSize(1);
    }

    private PacketContext packetIn(OFPort inPort, byte[] frame, U64 cookie) {
        return new PacketContext(DPID, OFVersion.OF_13, inPort, OFPacketInReason.ACTION, TableId.of(1), cookie,
                PacketParser.parse(frame));
    }

    private List<OFFlowAdd> adds(Pipeline.Band band) {
        return flows.batches.stream().flatMap(b -> b.messages().stream())
                .filter(m -> m instanceof OFFlowAdd a && a.getPriority() == band.priority()
                        && AppCookies.app(a.getCookie()) == band.app())
                .map(m -> (OFFlowAdd) m).toList();
    }

    /** The host makes itself known (as any packet to the gateway does), then the border comes up with a rule. */
    private StaticNatRule upWith(StaticNatRule draft) {
        statics.start();
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        bed.packetIn(packetIn(OFPort.of(2), udp(HOST_MAC, HOST, REMOTE, 40000, 53), U64.ZERO));
        // The upstream router makes itself known too, so routes need not wait for ARP.
        bed.packetIn(packetIn(OFPort.of(1), Frames.arpRequest(MacAddress.of("02:00:00:00:00:fe"),
                IPv4Address.of("203.0.113.1"), IPv4Address.of("203.0.113.200")), U64.ZERO));
        flows.batches.clear();
        packets.sent.clear();
        return statics.create(draft);
    }

    @Test
    void aRuleRewritesBothWaysAndItsBorderAnswersArpForTheAddressUntilItIsDeleted() {
        StaticNatRule r = upWith(rule(STATIC, HOST, List.of()));
        List<OFFlowAdd> both = adds(Pipeline.Band.STATIC_NAT);
        assertThat(both).as("open to all: one inbound, one outbound").hasSize(2);
        assertThat(both.get(0).getMatch().get(org.projectfloodlight.openflow.protocol.match.MatchField.IPV4_DST))
                .isEqualTo(STATIC);
        assertThat(both.get(0).getInstructions().toString()).contains(HOST.toString()).contains(HOST_MAC.toString());
        assertThat(both.get(1).getInstructions().toString()).contains(STATIC.toString()).contains("GotoTable");
        assertThat(adds(Pipeline.Band.STATIC_NAT_LEARN)).as("nothing to learn without a list").isEmpty();
        assertThat(adds(Pipeline.Band.STATIC_NAT_HAIRPIN_FIRST)).hasSize(1);
        assertThat(adds(Pipeline.Band.STATIC_NAT_ICMP_ERROR)).hasSize(2 * StaticNatFlows.ERROR_TYPES.size());

        byte[] ask = Frames.arpRequest(MacAddress.of("02:00:00:00:00:fe"), IPv4Address.of("203.0.113.1"), STATIC);
        bed.packetIn(packetIn(OFPort.of(1), ask, U64.ZERO));
        assertThat(packets.sent).as("the border answers for the static address").hasSize(1);

        statics.delete(r.id());
        assertThat(flows.batches.stream().flatMap(b -> b.messages().stream()).filter(m -> m instanceof OFFlowDelete))
                .as("its flows and the switch's ARP answers for it go").hasSize(2);
        packets.sent.clear();
        bed.packetIn(packetIn(OFPort.of(1), ask, U64.ZERO));
        assertThat(packets.sent).as("no longer answered").isEmpty();
    }

    @Test
    void withAnAllowListTheRemotesTheHostSendsToAreLetBackInOnce() {
        StaticNatRule r = upWith(rule(STATIC, HOST, List.of("192.0.2.0/24")));
        assertThat(adds(Pipeline.Band.STATIC_NAT)).as("in from the allowed prefix, out to it").hasSize(2);
        assertThat(adds(Pipeline.Band.STATIC_NAT_LEARN)).hasSize(1);
        flows.batches.clear();

        U64 learn = StaticNatFlows.cookie(r.id(), Kind.LEARN);
        byte[] first = udp(HOST_MAC, HOST, REMOTE, 40000, 53);
        assertThat(bed.packetIn(packetIn(OFPort.of(2), first, learn))).isTrue();
        assertThat(bed.packetIn(packetIn(OFPort.of(2), first, learn))).isTrue();
        List<OFFlowAdd> pair = adds(Pipeline.Band.STATIC_NAT_REMOTE);
        assertThat(pair).as("one pair for the remote, however many packets raced").hasSize(2);
        assertThat(pair.get(0).getIdleTimeout()).isEqualTo(1800);
        assertThat(statics.remotesOf(r.id())).containsExactly(REMOTE);
        assertThat(packets.sent).as("both packets sent on through the tables").hasSize(2)
                .allSatisfy(p -> assertThat(p.actions().toString()).contains("table"));

        OFFlowAdd outbound = pair.get(1);
        statics.flowRemoved(DPID, SWITCH_FACTORY.buildFlowRemoved().setCookie(outbound.getCookie())
                .setMatch(outbound.getMatch()).setReason(org.projectfloodlight.openflow.protocol.OFFlowRemovedReason.IDLE_TIMEOUT)
                .build());
        assertThat(statics.remotesOf(r.id())).as("idled out: forgotten").isEmpty();
    }

    private static final org.projectfloodlight.openflow.protocol.OFFactory SWITCH_FACTORY =
            org.projectfloodlight.openflow.protocol.OFFactories.getFactory(OFVersion.OF_13);

    @Test
    void anIcmpErrorAboutTheStaticAddressReachesTheHostWithItsEmbeddedSourceTranslated() {
        StaticNatRule r = upWith(rule(STATIC, HOST, List.of()));
        byte[] inner = java.util.Arrays.copyOfRange(udp(HOST_MAC, STATIC, REMOTE, 40000, 53), 14, 14 + 28);
        byte[] error = icmpError(IPv4Address.of("198.51.100.1"), STATIC, inner);
        assertThat(bed.packetIn(packetIn(OFPort.of(1), error, StaticNatFlows.cookie(r.id(), Kind.ICMP_ERROR))))
                .isTrue();
        assertThat(packets.sent).hasSize(1);
        byte[] out = packets.sent.get(0).data();
        var ip = PacketParser.parse(out).ipv4();
        assertThat(ip.dst()).isEqualTo(HOST);
        assertThat(IPv4Address.of(java.util.Arrays.copyOfRange(out, 14 + 20 + 8 + 12, 14 + 20 + 8 + 16)))
                .as("embedded source").isEqualTo(HOST);
        assertThat(Checksums.ones(out, 14, 20)).as("outer header checksum").isZero();
        assertThat(Checksums.ones(out, 34, out.length - 34)).as("ICMP checksum").isZero();

        packets.sent.clear();
        byte[] stranger = icmpError(IPv4Address.of("198.51.100.1"), STATIC,
                java.util.Arrays.copyOfRange(udp(HOST_MAC, IPv4Address.of("203.0.113.61"), REMOTE, 1, 53), 14, 42));
        bed.packetIn(packetIn(OFPort.of(1), stranger, StaticNatFlows.cookie(r.id(), Kind.ICMP_ERROR)));
        assertThat(packets.sent).as("about someone else's datagram: dropped").isEmpty();
        assertThat(statics.metrics().icmpDropped.sum()).isEqualTo(1);
    }

    @Test
    void anInsideHostReachesTheStaticAddressByHairpinning() {
        StaticNatRule r = upWith(rule(STATIC, HOST, List.of()));
        MacAddress other = MacAddress.of("02:00:00:00:00:02");
        byte[] toStatic = udp(other, IPv4Address.of("10.0.0.2"), STATIC, 41000, 7000);
        assertThat(bed.packetIn(packetIn(OFPort.of(2), toStatic, StaticNatFlows.cookie(r.id(), Kind.HAIRPIN))))
                .isTrue();
        List<OFFlowAdd> hairpin = adds(Pipeline.Band.NAT_HAIRPIN);
        assertThat(hairpin).as("the NAT joins the sender's mapping to the static host, both ways").hasSize(2);
        assertThat(hairpin.toString()).contains(HOST.toString()).contains("7000");
    }

    /** A UDP datagram from an inside host to the gateway's MAC. */
    static byte[] udp(MacAddress srcMac, IPv4Address src, IPv4Address dst, int sport, int dport) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + 4);
        b.put(MacAddress.of("02:6e:66:00:00:01").getBytes()).put(srcMac.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 32).putShort((short) 1).putShort((short) 0).put((byte) 64)
                .put((byte) 17).putShort((short) 0).putInt(src.getInt()).putInt(dst.getInt());
        b.putShort((short) sport).putShort((short) dport).putShort((short) 12).putShort((short) 0).putInt(42);
        byte[] a = b.array();
        int sum = Checksums.ones(a, 14, 20);
        a[24] = (byte) (sum >> 8);
        a[25] = (byte) sum;
        return a;
    }

    /** An ICMP destination unreachable (fragmentation needed) from a router, embedding {@code inner}. */
    static byte[] icmpError(IPv4Address from, IPv4Address to, byte[] inner) {
        int len = 20 + 8 + inner.length;
        ByteBuffer b = ByteBuffer.allocate(14 + len);
        b.put(MacAddress.of("02:6e:66:00:00:02").getBytes()).put(MacAddress.of("02:00:00:00:00:fe").getBytes())
                .putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) len).putShort((short) 1).putShort((short) 0).put((byte) 64)
                .put((byte) 1).putShort((short) 0).putInt(from.getInt()).putInt(to.getInt());
        b.put((byte) 3).put((byte) 4).putShort((short) 0).putShort((short) 0).putShort((short) 1400).put(inner);
        byte[] a = b.array();
        int sum = Checksums.ones(a, 14, 20);
        a[24] = (byte) (sum >> 8);
        a[25] = (byte) sum;
        int icmp = Checksums.ones(a, 34, len - 20);
        a[36] = (byte) (icmp >> 8);
        a[37] = (byte) icmp;
        return a;
    }
}
