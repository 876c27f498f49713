package org.natflow.apps.forward;

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
import org.natflow.apps.NotFoundException;
import org.natflow.apps.Pipeline;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Border;
import org.natflow.apps.nat.MappingTable;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Endpoint;
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
import org.natflow.controller.packet.PacketParser;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;

class PortForwardServiceTest {

    /** The store as a map; once {@link #sealed}, any use of it fails the test (only writes may reach it). */
    static final class InMemoryStore implements PortForwardStore {
        private final Map<Long, PortForwardRule> rules = new TreeMap<>();
        private long next = 1;
        volatile boolean sealed;
        /** When set, every use fails with it: a database gone away. */
        volatile RuntimeException failure;

        private void use() {
            if (sealed) {
                throw new AssertionError("the rule store was used: " + Thread.currentThread().getStackTrace()[3]);
            }
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public PortForwardRule create(PortForwardRule rule) {
            use();
            PortForwardRule r = rule.withId(next++);
            rules.put(r.id(), r);
            return r;
        }

        @Override
        public Optional<PortForwardRule> update(PortForwardRule rule) {
            use();
            return rules.containsKey(rule.id()) ? Optional.of(rules.put(rule.id(), rule)).map(x -> rule)
                    : Optional.empty();
        }

        @Override
        public boolean delete(long id) {
            use();
            return rules.remove(id) != null;
        }

        @Override
        public Optional<PortForwardRule> get(long id) {
            use();
            return Optional.ofNullable(rules.get(id));
        }

        @Override
        public List<PortForwardRule> all() {
            use();
            return new ArrayList<>(rules.values());
        }
    }

    private static final Dpid DPID = new Dpid(1);
    private static final IPv4Address PUB = IPv4Address.of("203.0.113.10");
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));

    private final NatConfig config = NatTestConfigs.config(5000, 5003, 100, "203.0.113.10");
    private final InMemoryStore store = new InMemoryStore();
    private final RecordingFlowService flows = new RecordingFlowService();
    private final BorderBed bed = new BorderBed(config, flows, new RecordingPacketService(), SWITCH);
    private final MappingTable table = bed.table;
    private final Border border = NatTestConfigs.border(config);
    private final PortForwardService forwards = new PortForwardService(bed.ports, store, flows, bed.borders);

    @AfterEach
    void stop() {
        forwards.shutdown();
        bed.close();
    }

    private static PortForwardRule rule(Protocol p, int from, int to) {
        return new PortForwardRule(0, p, PUB, from, to, IPv4Address.of("10.0.0.9"), 80, List.of(), "", true);
    }

    private MappingTable.Lookup map(Protocol p, String inside) throws AllocationException {
        return table.getOrCreate(p, IPv4Address.of(inside), 1, border, MacAddress.of(1), OFPort.of(2));
    }

    @Test
    void forwardedPortsAreNeverAllocatedDynamically() throws Exception {
        forwards.start();
        forwards.create(rule(Protocol.UDP, 5000, 5002));
        assertThat(map(Protocol.UDP, "10.0.0.2").session().publicPort()).isEqualTo(5003);
        assertThatThrownBy(() -> map(Protocol.UDP, "10.0.0.3")).isInstanceOf(AllocationException.class);
    }

    @Test
    void deletingARuleFreesItsPortsAndStoredRulesAreReservedAtStart() throws Exception {
        PortForwardRule stored = store.create(rule(Protocol.TCP, 5000, 5003));
        forwards.start();
        assertThat(forwards.all()).as("loaded from the store").containsExactly(stored);
        assertThatThrownBy(() -> map(Protocol.TCP, "10.0.0.2")).as("reserved from the store at start")
                .isInstanceOf(AllocationException.class);
        forwards.delete(stored.id());
        assertThat(store.get(stored.id())).as("the record goes too").isEmpty();
        assertThat(map(Protocol.TCP, "10.0.0.2").created()).isTrue();
        assertThatThrownBy(() -> forwards.delete(stored.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void twoPublicPortsForOneInsideEndpointAreRefused() {
        forwards.start();
        forwards.create(rule(Protocol.TCP, 5000, 5000));
        assertThatThrownBy(() -> forwards.create(rule(Protocol.TCP, 5001, 5001)))
                .isInstanceOf(RuleException.class).hasMessageContaining("inside endpoint 10.0.0.9:80");
        forwards.create(rule(Protocol.UDP, 5001, 5001)); // another protocol is another endpoint
    }

    @Test
    void refusedUpdateKeepsTheOldRuleAndItsReservation() {
        forwards.start();
        PortForwardRule a = forwards.create(rule(Protocol.TCP, 5000, 5000));
        forwards.create(new PortForwardRule(0, Protocol.TCP, PUB, 5001, 5001, IPv4Address.of("10.0.0.8"), 80,
                List.of(), "", true));
        assertThatThrownBy(() -> forwards.update(a.id(), rule(Protocol.TCP, 5001, 5001)))
                .isInstanceOf(RuleException.class).extracting(e -> ((RuleException) e).kind())
                .isEqualTo(RuleException.Kind.CONFLICT);
        assertThat(store.get(a.id()).orElseThrow().publicPort()).isEqualTo(5000);
        assertThat(bed.ports.holder(Protocol.TCP, PUB, 5000)).as("still the old rule's").contains("a port forward");
    }

    @Test
    void anUpdateTheStoreFailsLeavesTheOldRuleHoldingItsPorts() {
        forwards.start();
        PortForwardRule a = forwards.create(rule(Protocol.TCP, 5000, 5000));
        store.failure = new IllegalStateException("database unavailable");
        assertThatThrownBy(() -> forwards.update(a.id(), rule(Protocol.TCP, 5002, 5002)))
                .hasMessageContaining("database unavailable");
        store.failure = null;
        assertThat(forwards.get(a.id()).orElseThrow().publicPort()).isEqualTo(5000);
        assertThat(bed.ports.holder(Protocol.TCP, PUB, 5000)).as("still the rule's").contains("a port forward");
        assertThat(bed.ports.holder(Protocol.TCP, PUB, 5002)).as("the new port not kept").isEmpty();
        assertThatThrownBy(() -> forwards.create(new PortForwardRule(0, Protocol.TCP, PUB, 5000, 5000,
                IPv4Address.of("10.0.0.8"), 80, List.of(), "", true))).as("the port cannot be taken by another rule")
                .isInstanceOf(RuleException.class);
    }

    @Test
    void aForwardLeadsItsPublicPortsToItsServerWhileEnabled() {
        forwards.start();
        PortForwardRule r = forwards.create(new PortForwardRule(0, Protocol.TCP, PUB, 5000, 5001,
                IPv4Address.of("10.0.0.9"), 8080, List.of(), "", true));
        assertThat(bed.ports.target(Protocol.TCP, PUB, 5001)).contains(new Endpoint(IPv4Address.of("10.0.0.9"), 8081));
        forwards.update(r.id(), new PortForwardRule(0, Protocol.TCP, PUB, 5000, 5001, IPv4Address.of("10.0.0.9"), 8080,
                List.of(), "", false));
        assertThat(bed.ports.target(Protocol.TCP, PUB, 5001)).as("disabled: reserved, leading nowhere").isEmpty();
        assertThat(bed.ports.holder(Protocol.TCP, PUB, 5001)).contains("a port forward");
    }

    /** A TCP SYN from an inside host to a public endpoint of the gateway. */
    private static byte[] synTo(String src, MacAddress srcMac, IPv4Address dst, int dport) {
        byte[] l4 = ByteBuffer.allocate(20).putShort((short) 40000).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) 0x02).putShort((short) 1000).putInt(0).array();
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4.length);
        b.put(MacAddress.of("02:6e:66:00:00:01").getBytes()).put(srcMac.getBytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 1).putShort((short) 0).put((byte) 64)
                .put((byte) 6).putShort((short) 0).putInt(IPv4Address.of(src).getInt()).putInt(dst.getInt()).put(l4);
        byte[] a = b.array();
        int sum = Checksums.ones(a, 14, 20);
        a[24] = (byte) (sum >> 8);
        a[25] = (byte) sum;
        return a;
    }

    private boolean packetIn(byte[] frame) {
        return bed.packetIn(new PacketContext(DPID, OFVersion.OF_13, OFPort.of(2), OFPacketInReason.NO_MATCH,
                TableId.of(1), U64.ZERO, PacketParser.parse(frame)));
    }

    @Test
    void hairpinningToAForwardNeverReadsTheRuleStore() {
        forwards.start();
        forwards.create(rule(Protocol.TCP, 5000, 5000));
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        // The server is known to the gateway (it sent something), so nothing waits for ARP.
        packetIn(synTo("10.0.0.9", MacAddress.of("02:00:00:00:00:09"), IPv4Address.of("198.51.100.1"), 80));
        store.sealed = true;
        flows.batches.clear();

        assertThat(packetIn(synTo("10.0.0.2", MacAddress.of("02:00:00:00:00:02"), PUB, 5000))).isTrue();

        List<OFFlowAdd> hairpin = flows.batches.stream().flatMap(b -> b.messages().stream())
                .filter(m -> m instanceof OFFlowAdd a && a.getPriority() == Pipeline.Band.NAT_HAIRPIN.priority()
                        && AppCookies.app(a.getCookie()) == AppCookies.NAT)
                .map(m -> (OFFlowAdd) m).toList();
        assertThat(hairpin).as("the client looped to the forward's server, both ways").hasSize(2);
        assertThat(hairpin.get(0).toString()).contains("10.0.0.9").contains("80");
    }
}
