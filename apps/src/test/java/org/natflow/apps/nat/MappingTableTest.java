package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.PoolUsage;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.ports.PublicPorts;
import org.natflow.apps.testing.MutableClock;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/** The mapping table over the port registry, and port blocks beside it: what the NAT's state is made of. */
class MappingTableTest {

    /** A pool's port registry with the NAT's mappings and blocks over it. */
    private record Nat(PublicPorts ports, MappingTable table, PortBlocks blocks) {
    }

    private Nat nat(NatConfig config) {
        PublicPorts ports = config.publicPorts(clock);
        return new Nat(ports, new MappingTable(ports, clock), new PortBlocks(ports, config.portsPerHost(), clock));
    }

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress MAC = MacAddress.of("02:00:00:00:00:09");
    private final MutableClock clock = new MutableClock();

    private static IPv4Address host(int n) {
        return IPv4Address.of("10.0.0." + n);
    }

    private MappingTable.Lookup map(Nat t, Protocol p, int host, int port) throws AllocationException {
        return t.table().getOrCreate(p, host(host), port, NatTestConfigs.border(t.ports()), MAC, OFPort.of(2));
    }

    @Test
    void endpointIndependentMappingIsReused() throws Exception {
        Nat t = nat(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"));
        MappingTable.Lookup first = map(t, Protocol.UDP, 2, 5000);
        MappingTable.Lookup again = map(t, Protocol.UDP, 2, 5000);
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.session()).isEqualTo(first.session());
        assertThat(map(t, Protocol.TCP, 2, 5000).session().id()).as("per protocol").isNotEqualTo(first.session().id());
    }

    @Test
    void mappingsOfOneSwitchAreFoundWithoutTheOthers() throws Exception {
        Nat t = nat(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"));
        Border other = new Border(new Dpid(2), NatTestConfigs.border(t.ports()).factory(), OFPort.of(1),
                t.ports().pool());
        NatSession a = map(t, Protocol.TCP, 2, 5000).session();
        NatSession b = map(t, Protocol.UDP, 3, 5000).session();
        NatSession c = t.table().getOrCreate(Protocol.TCP, host(4), 6000, other, MAC, OFPort.of(2)).session();
        assertThat(t.table().on(DPID)).containsExactlyInAnyOrder(a, b);
        assertThat(t.table().on(new Dpid(2))).containsExactly(c);
        assertThat(t.table().on(new Dpid(3))).as("a switch with no mappings").isEmpty();
        t.table().remove(c.id());
        assertThat(t.table().on(new Dpid(2))).isEmpty();
        t.table().remove(a.id());
        assertThat(t.table().on(DPID)).containsExactly(b);
        assertThat(t.table().restore(c)).isTrue();
        assertThat(t.table().on(new Dpid(2))).as("restored from the switch's flow table").containsExactly(c);
    }

    @Test
    void noPortOverloadingAndPairedPooling() throws Exception {
        Nat t = nat(NatTestConfigs.config(1024, 65535, 100,
                "203.0.113.10-203.0.113.11"));
        Set<String> publicEndpoints = new HashSet<>();
        for (int h = 2; h < 12; h++) {
            IPv4Address pub = null;
            for (int port = 40000; port < 40010; port++) {
                NatSession s = map(t, Protocol.TCP, h, port).session();
                assertThat(publicEndpoints.add(s.publicKey().toString())).isTrue();
                if (pub == null) {
                    pub = s.publicAddress();
                }
                assertThat(s.publicAddress()).as("host %d keeps one address", h).isEqualTo(pub);
            }
        }
        assertThat(t.ports().usage()).filteredOn(u -> u.protocol() == Protocol.TCP).extracting(PoolUsage::hosts)
                .containsExactly(5, 5);
        PoolUsage one = t.ports().usage(IPv4Address.of("203.0.113.10"), Protocol.TCP);
        assertThat(one.inUse()).as("5 hosts x 10 ports").isEqualTo(50);
        assertThat(one.free()).isEqualTo(65535 - 1024 + 1 - 50);
        assertThat(t.ports().usage(IPv4Address.of("203.0.113.10"), Protocol.UDP).inUse()).isZero();
    }

    @Test
    void quotaPerHostAndProtocol() throws Exception {
        Nat t = nat(NatTestConfigs.config(1024, 65535, 3, "203.0.113.10"));
        for (int port = 1; port <= 3; port++) {
            map(t, Protocol.UDP, 2, port);
        }
        assertThatThrownBy(() -> map(t, Protocol.UDP, 2, 4)).isInstanceOf(AllocationException.class)
                .extracting(e -> ((AllocationException) e).reason())
                .isEqualTo(AllocationException.Reason.QUOTA_EXCEEDED);
        map(t, Protocol.TCP, 2, 4);
        map(t, Protocol.UDP, 3, 4);
        t.table().remove(t.table().byInside(Protocol.UDP, host(2), 1).orElseThrow().id());
        assertThat(map(t, Protocol.UDP, 2, 4).created()).as("room again after a release").isTrue();
    }

    @Test
    void exhaustionRefusesNewAndKeepsLive() throws Exception {
        Nat t = nat(NatTestConfigs.config(5000, 5001, 100, "203.0.113.10"));
        NatSession a = map(t, Protocol.UDP, 2, 1).session();
        NatSession b = map(t, Protocol.UDP, 3, 1).session();
        assertThatThrownBy(() -> map(t, Protocol.UDP, 4, 1)).isInstanceOf(AllocationException.class)
                .extracting(e -> ((AllocationException) e).reason())
                .isEqualTo(AllocationException.Reason.POOL_EXHAUSTED);
        assertThat(t.table().get(a.id())).contains(a);
        assertThat(t.table().get(b.id())).contains(b);
    }

    @Test
    void releasedPortWaitsBeforeAnotherHostGetsIt() throws Exception {
        Nat t = nat(NatTestConfigs.config(6000, 6000, 100, "203.0.113.10"));
        NatSession a = map(t, Protocol.TCP, 2, 1).session();
        t.table().remove(a.id());
        assertThatThrownBy(() -> map(t, Protocol.TCP, 3, 1)).isInstanceOf(AllocationException.class);
        clock.advance(Duration.ofSeconds(121));
        assertThat(map(t, Protocol.TCP, 3, 1).session().publicPort()).isEqualTo(6000);
    }

    @Test
    void reserveRefusesPortHeldByMappingAndNamesIt() throws Exception {
        Nat t = nat(NatTestConfigs.config(7000, 7000, 100, "203.0.113.10"));
        NatSession a = map(t, Protocol.TCP, 2, 1).session();
        assertThat(t.ports().reserve(Protocol.TCP, a.publicAddress(), 7000, "a relay")).hasValueSatisfying(h ->
                assertThat(h).startsWith("live NAT mapping " + a.id() + " (tcp 10.0.0.2:1)"));
        assertThat(t.ports().holder(Protocol.TCP, a.publicAddress(), 7000)).as("nothing reserved")
                .hasValueSatisfying(h -> assertThat(h).startsWith("live NAT mapping"));
        assertThat(t.ports().reserve(Protocol.UDP, a.publicAddress(), 7000, "a relay")).isEmpty();
        assertThat(t.ports().reserve(Protocol.UDP, a.publicAddress(), 7000, "a port forward")).as("names the owner")
                .contains("a relay");
        assertThat(t.ports().holder(Protocol.UDP, a.publicAddress(), 7000)).contains("a relay");
        t.ports().unreserve(Protocol.UDP, a.publicAddress(), 7000);
        assertThat(t.ports().holder(Protocol.UDP, a.publicAddress(), 7000)).isEmpty();
        assertThat(t.ports().reserve(Protocol.UDP, a.publicAddress(), 7000, "a relay")).isEmpty();
        assertThatThrownBy(() -> map(t, Protocol.UDP, 2, 1)).isInstanceOf(AllocationException.class);
    }

    @Test
    void concurrentDuplicateFirstPacketsMakeOneMapping() throws Exception {
        Nat t = nat(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                ids.add(map(t, Protocol.UDP, 2, 9999).session().id());
                return null;
            }));
        }
        start.countDown();
        for (var f : futures) {
            f.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(ids).hasSize(1);
        assertThat(t.table().size()).isEqualTo(1);
    }

    // ---- port blocks (conntrack datapath) ----

    private Nat blockTable(int min, int max, int size, String... pool) {
        return nat(NatTestConfigs.config(min, max, size, pool).withDatapath(NatDatapath.CONNTRACK));
    }

    @Test
    void blocksAreAlignedDisjointAndKeptPerHost() throws Exception {
        Nat t = blockTable(1024, 65535, 1024, "203.0.113.10");
        Border b = NatTestConfigs.border(t.ports());
        PortBlocks.Lookup a = t.blocks().block(host(2), b, MAC, OFPort.of(2));
        PortBlocks.Lookup c = t.blocks().block(host(3), b, MAC, OFPort.of(2));
        assertThat(a.created()).isTrue();
        assertThat(a.block().first()).isEqualTo(1024);
        assertThat(a.block().last()).isEqualTo(2047);
        assertThat(c.block().first()).isEqualTo(2048);
        PortBlocks.Lookup again = t.blocks().block(host(2), b, MAC, OFPort.of(2));
        assertThat(again.created()).isFalse();
        assertThat(again.block()).isEqualTo(a.block());
        assertThat(t.blocks().all()).extracting(PortBlock::inside).containsExactly(host(2), host(3));
    }

    @Test
    void aBlockHoldsItsPortsForTcpAndUdpAgainstMappingsAndStaticRules() throws Exception {
        Nat t = blockTable(1024, 2047, 512, "203.0.113.10");
        Border b = NatTestConfigs.border(t.ports());
        PortBlock block = t.blocks().block(host(2), b, MAC, OFPort.of(2)).block();
        assertThat(t.ports().holder(Protocol.UDP, block.address(), block.first() + 5)).get().asString()
                .contains("port block").contains("10.0.0.2");
        assertThat(t.ports().reserve(Protocol.TCP, block.address(), block.last(), "a port forward")).isPresent();
        for (int i = 0; i < 200; i++) {
            int port = map(t, Protocol.TCP, 9, 6000 + i).session().publicPort();
            assertThat(block.contains(port)).as("a mapping never gets a block's port").isFalse();
        }
        assertThat(t.ports().usage(block.address(), Protocol.UDP).free()).isEqualTo(1024 - 512);
    }

    @Test
    void blocksRunOutWithAClearErrorAndComeBackWhenReleased() throws Exception {
        Nat t = blockTable(1024, 3071, 1024, "203.0.113.10");
        Border b = NatTestConfigs.border(t.ports());
        t.blocks().block(host(2), b, MAC, OFPort.of(2));
        // A static rule inside the second block keeps it from being handed out.
        t.ports().reserve(Protocol.UDP, IPv4Address.of("203.0.113.10"), 2100, "a port forward");
        assertThatThrownBy(() -> t.blocks().block(host(3), b, MAC, OFPort.of(2)))
                .isInstanceOf(AllocationException.class).hasMessageContaining("no free block of 1024 ports");
        assertThat(t.blocks().release(host(2))).isPresent();
        assertThat(t.blocks().release(host(2))).isEmpty();
        assertThat(t.ports().holder(Protocol.TCP, IPv4Address.of("203.0.113.10"), 1500)).isEmpty();
        assertThat(t.blocks().block(host(3), b, MAC, OFPort.of(2)).block().first()).isEqualTo(1024);
    }

    @Test
    void aBlockFollowsTheHostsPairedAddress() throws Exception {
        Nat t = blockTable(1024, 65535, 2048, "203.0.113.10-203.0.113.11");
        Border b = NatTestConfigs.border(t.ports());
        int udp = map(t, Protocol.UDP, 2, 5000).session().publicPort();
        PortBlock block = t.blocks().block(host(2), b, MAC, OFPort.of(2)).block();
        assertThat(block.address()).isEqualTo(t.ports().pairedAddress(host(2)).orElseThrow());
        assertThat(block.contains(udp)).as("skips the host's own live mapping").isFalse();
        assertThat(t.blocks().block(host(3), b, MAC, OFPort.of(2)).block().address()).as("spread over the pool")
                .isNotEqualTo(block.address());
    }

    @Test
    void aBlockReadBackIsReservedAgainUnlessItClashes() throws Exception {
        Nat t = blockTable(1024, 65535, 1024, "203.0.113.10");
        PortBlock read = new PortBlock(41, host(2), IPv4Address.of("203.0.113.10"), 5120, 6143, DPID, MAC,
                OFPort.of(2), 0);
        assertThat(t.blocks().restore(read)).isTrue();
        assertThat(t.ports().holder(Protocol.UDP, read.address(), 6000)).isPresent();
        assertThat(t.ports().pairedAddress(host(2))).contains(read.address());
        assertThat(t.blocks().restore(read)).as("the host has it already").isFalse();
        PortBlock overlapping = new PortBlock(42, host(3), read.address(), 6000, 7023, DPID, MAC, OFPort.of(2), 0);
        assertThat(t.blocks().restore(overlapping)).isFalse();
        PortBlock foreign = new PortBlock(43, host(4), IPv4Address.of("198.51.100.1"), 5120, 6143, DPID, MAC,
                OFPort.of(2), 0);
        assertThat(t.blocks().restore(foreign)).isFalse();
        assertThat(t.blocks().block(host(5), NatTestConfigs.border(t.ports()), MAC, OFPort.of(2)).block().id())
                .as("new ids continue after restored ones").isGreaterThan(41);
    }

    @Test
    void aHostOnAnotherBorderGetsABlockThereAndTheOldOneIsReportedDisplaced() throws Exception {
        Nat t = blockTable(1024, 65535, 1024, "203.0.113.10");
        Border one = NatTestConfigs.border(t.ports());
        Border two = new Border(new Dpid(2), one.factory(), one.uplink(), one.addresses());
        PortBlocks.Lookup first = t.blocks().block(host(2), one, MAC, OFPort.of(2));
        assertThat(first.displaced()).isNull();
        PortBlocks.Lookup moved = t.blocks().block(host(2), two, MAC, OFPort.of(2));
        assertThat(moved.created()).isTrue();
        assertThat(moved.displaced()).isEqualTo(first.block());
        assertThat(moved.block().dpid()).isEqualTo(new Dpid(2));
        assertThat(t.blocks().all()).containsExactly(moved.block());
        assertThat(t.blocks().block(host(2), two, MAC, OFPort.of(2)).displaced()).isNull();
    }

    @Test
    void aSearchPagesThroughTheMatchesOldestFirstByEveryPart() throws Exception {
        Nat t = nat(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"));
        List<NatSession> made = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            made.add(map(t, i % 3 == 0 ? Protocol.TCP : Protocol.UDP, 2 + i % 2, 5000 + i).session());
            clock.advance(Duration.ofSeconds(1));
        }
        MappingQuery.Page all = t.table().search(MappingQuery.ANY, 0, 7);
        assertThat(all.total()).isEqualTo(30);
        assertThat(all.mappings()).extracting(NatSession::id).isSorted().hasSize(7);
        MappingQuery.Page last = t.table().search(MappingQuery.ANY, 28, 7);
        assertThat(last.mappings()).hasSize(2);
        assertThat(last.mappings().get(1)).isEqualTo(made.get(29));
        assertThat(t.table().search(MappingQuery.ANY, 40, 7).mappings()).as("past the end").isEmpty();

        assertThat(t.table().search(new MappingQuery(Protocol.TCP, host(2), 0, null, 0, Long.MIN_VALUE,
                Long.MAX_VALUE), 0, 100).total()).as("tcp from 10.0.0.2: i = 0, 6, 12, 18, 24").isEqualTo(5);
        NatSession one = made.get(17);
        MappingQuery.Page byPublic = t.table().search(new MappingQuery(null, null, 0, one.publicAddress(),
                one.publicPort(), Long.MIN_VALUE, Long.MAX_VALUE), 0, 100);
        assertThat(byPublic.mappings()).containsExactly(one);
        assertThat(t.table().search(new MappingQuery(null, null, 5003, null, 0, Long.MIN_VALUE, Long.MAX_VALUE), 0,
                10).mappings()).extracting(NatSession::insidePort).containsExactly(5003);
        long from = made.get(10).createdMillis();
        long to = made.get(19).createdMillis();
        assertThat(t.table().search(new MappingQuery(null, null, 0, null, 0, from, to), 0, 100).total())
                .as("created within ten seconds").isEqualTo(10);
        t.table().remove(made.get(29).id());
        assertThat(t.table().search(MappingQuery.ANY, 0, 100).mappings()).as("an ended mapping's slot is not found")
                .hasSize(29).doesNotContain(made.get(29));
    }

    @Test
    void eachInsideHostIsWhereItsNewestMappingSaysWithinTheBound() throws Exception {
        Nat t = nat(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"));
        map(t, Protocol.TCP, 2, 5000);
        clock.advance(Duration.ofSeconds(1));
        NatSession newest = map(t, Protocol.UDP, 2, 5001).session();
        NatSession other = map(t, Protocol.UDP, 3, 5001).session();
        assertThat(t.table().newestPerInside(10)).containsExactlyInAnyOrder(newest, other);
        assertThat(t.table().newestPerInside(1)).hasSize(1);
    }
}
