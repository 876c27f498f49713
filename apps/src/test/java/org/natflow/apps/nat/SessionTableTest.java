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
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

class SessionTableTest {

    private static final Dpid DPID = new Dpid(1);
    private static final MacAddress MAC = MacAddress.of("02:00:00:00:00:09");
    private final MutableClock clock = new MutableClock();

    private static IPv4Address host(int n) {
        return IPv4Address.of("10.0.0." + n);
    }

    private SessionTable.Lookup map(SessionTable t, Protocol p, int host, int port) throws AllocationException {
        return t.getOrCreate(p, host(host), port, NatTestConfigs.border(t), MAC, OFPort.of(2));
    }

    @Test
    void endpointIndependentMappingIsReused() throws Exception {
        SessionTable t = new SessionTable(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"), clock);
        SessionTable.Lookup first = map(t, Protocol.UDP, 2, 5000);
        SessionTable.Lookup again = map(t, Protocol.UDP, 2, 5000);
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.session()).isEqualTo(first.session());
        assertThat(map(t, Protocol.TCP, 2, 5000).session().id()).as("per protocol").isNotEqualTo(first.session().id());
    }

    @Test
    void mappingsOfOneSwitchAreFoundWithoutTheOthers() throws Exception {
        SessionTable t = new SessionTable(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"), clock);
        Border other = new Border(new Dpid(2), NatTestConfigs.border(t).factory(), OFPort.of(1),
                t.config().publicAddresses());
        NatSession a = map(t, Protocol.TCP, 2, 5000).session();
        NatSession b = map(t, Protocol.UDP, 3, 5000).session();
        NatSession c = t.getOrCreate(Protocol.TCP, host(4), 6000, other, MAC, OFPort.of(2)).session();
        assertThat(t.on(DPID)).containsExactlyInAnyOrder(a, b);
        assertThat(t.on(new Dpid(2))).containsExactly(c);
        assertThat(t.on(new Dpid(3))).as("a switch with no mappings").isEmpty();
        t.remove(c.id());
        assertThat(t.on(new Dpid(2))).isEmpty();
        t.remove(a.id());
        assertThat(t.on(DPID)).containsExactly(b);
        assertThat(t.restore(c)).isTrue();
        assertThat(t.on(new Dpid(2))).as("restored from the switch's flow table").containsExactly(c);
    }

    @Test
    void noPortOverloadingAndPairedPooling() throws Exception {
        SessionTable t = new SessionTable(NatTestConfigs.config(1024, 65535, 100,
                "203.0.113.10-203.0.113.11"), clock);
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
        assertThat(t.usage()).filteredOn(u -> u.protocol() == Protocol.TCP).extracting(PoolUsage::hosts)
                .containsExactly(5, 5);
        PoolUsage one = t.usage(IPv4Address.of("203.0.113.10"), Protocol.TCP);
        assertThat(one.inUse()).as("5 hosts x 10 ports").isEqualTo(50);
        assertThat(one.free()).isEqualTo(65535 - 1024 + 1 - 50);
        assertThat(t.usage(IPv4Address.of("203.0.113.10"), Protocol.UDP).inUse()).isZero();
    }

    @Test
    void quotaPerHostAndProtocol() throws Exception {
        SessionTable t = new SessionTable(NatTestConfigs.config(1024, 65535, 3, "203.0.113.10"), clock);
        for (int port = 1; port <= 3; port++) {
            map(t, Protocol.UDP, 2, port);
        }
        assertThatThrownBy(() -> map(t, Protocol.UDP, 2, 4)).isInstanceOf(AllocationException.class)
                .extracting(e -> ((AllocationException) e).reason())
                .isEqualTo(AllocationException.Reason.QUOTA_EXCEEDED);
        map(t, Protocol.TCP, 2, 4);
        map(t, Protocol.UDP, 3, 4);
        t.remove(t.byInside(Protocol.UDP, host(2), 1).orElseThrow().id());
        assertThat(map(t, Protocol.UDP, 2, 4).created()).as("room again after a release").isTrue();
    }

    @Test
    void exhaustionRefusesNewAndKeepsLive() throws Exception {
        SessionTable t = new SessionTable(NatTestConfigs.config(5000, 5001, 100, "203.0.113.10"), clock);
        NatSession a = map(t, Protocol.UDP, 2, 1).session();
        NatSession b = map(t, Protocol.UDP, 3, 1).session();
        assertThatThrownBy(() -> map(t, Protocol.UDP, 4, 1)).isInstanceOf(AllocationException.class)
                .extracting(e -> ((AllocationException) e).reason())
                .isEqualTo(AllocationException.Reason.POOL_EXHAUSTED);
        assertThat(t.get(a.id())).contains(a);
        assertThat(t.get(b.id())).contains(b);
    }

    @Test
    void releasedPortWaitsBeforeAnotherHostGetsIt() throws Exception {
        SessionTable t = new SessionTable(NatTestConfigs.config(6000, 6000, 100, "203.0.113.10"), clock);
        NatSession a = map(t, Protocol.TCP, 2, 1).session();
        t.remove(a.id());
        assertThatThrownBy(() -> map(t, Protocol.TCP, 3, 1)).isInstanceOf(AllocationException.class);
        clock.advance(Duration.ofSeconds(121));
        assertThat(map(t, Protocol.TCP, 3, 1).session().publicPort()).isEqualTo(6000);
    }

    @Test
    void reserveRefusesPortHeldByMappingAndNamesIt() throws Exception {
        SessionTable t = new SessionTable(NatTestConfigs.config(7000, 7000, 100, "203.0.113.10"), clock);
        NatSession a = map(t, Protocol.TCP, 2, 1).session();
        assertThat(t.reserve(Protocol.TCP, a.publicAddress(), 7000, "a relay")).hasValueSatisfying(h ->
                assertThat(h).startsWith("live NAT mapping " + a.id() + " (tcp 10.0.0.2:1)"));
        assertThat(t.holder(Protocol.TCP, a.publicAddress(), 7000)).as("nothing reserved")
                .hasValueSatisfying(h -> assertThat(h).startsWith("live NAT mapping"));
        assertThat(t.reserve(Protocol.UDP, a.publicAddress(), 7000, "a relay")).isEmpty();
        assertThat(t.reserve(Protocol.UDP, a.publicAddress(), 7000, "a port forward")).as("names the owner")
                .contains("a relay");
        assertThat(t.holder(Protocol.UDP, a.publicAddress(), 7000)).contains("a relay");
        t.unreserve(Protocol.UDP, a.publicAddress(), 7000);
        assertThat(t.holder(Protocol.UDP, a.publicAddress(), 7000)).isEmpty();
        assertThat(t.reserve(Protocol.UDP, a.publicAddress(), 7000, "a relay")).isEmpty();
        assertThatThrownBy(() -> map(t, Protocol.UDP, 2, 1)).isInstanceOf(AllocationException.class);
    }

    @Test
    void concurrentDuplicateFirstPacketsMakeOneMapping() throws Exception {
        SessionTable t = new SessionTable(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"), clock);
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
        assertThat(t.size()).isEqualTo(1);
    }

    // ---- port blocks (conntrack datapath) ----

    private SessionTable blockTable(int min, int max, int size, String... pool) {
        return new SessionTable(NatTestConfigs.config(min, max, size, pool).withDatapath(NatDatapath.CONNTRACK),
                clock);
    }

    @Test
    void blocksAreAlignedDisjointAndKeptPerHost() throws Exception {
        SessionTable t = blockTable(1024, 65535, 1024, "203.0.113.10");
        Border b = NatTestConfigs.border(t);
        SessionTable.BlockLookup a = t.block(host(2), b, MAC, OFPort.of(2));
        SessionTable.BlockLookup c = t.block(host(3), b, MAC, OFPort.of(2));
        assertThat(a.created()).isTrue();
        assertThat(a.block().first()).isEqualTo(1024);
        assertThat(a.block().last()).isEqualTo(2047);
        assertThat(c.block().first()).isEqualTo(2048);
        SessionTable.BlockLookup again = t.block(host(2), b, MAC, OFPort.of(2));
        assertThat(again.created()).isFalse();
        assertThat(again.block()).isEqualTo(a.block());
        assertThat(t.blocks()).extracting(PortBlock::inside).containsExactly(host(2), host(3));
    }

    @Test
    void aBlockHoldsItsPortsForTcpAndUdpAgainstMappingsAndStaticRules() throws Exception {
        SessionTable t = blockTable(1024, 2047, 512, "203.0.113.10");
        Border b = NatTestConfigs.border(t);
        PortBlock block = t.block(host(2), b, MAC, OFPort.of(2)).block();
        assertThat(t.holder(Protocol.UDP, block.address(), block.first() + 5)).get().asString()
                .contains("port block").contains("10.0.0.2");
        assertThat(t.reserve(Protocol.TCP, block.address(), block.last(), "a port forward")).isPresent();
        for (int i = 0; i < 200; i++) {
            int port = map(t, Protocol.TCP, 9, 6000 + i).session().publicPort();
            assertThat(block.contains(port)).as("a mapping never gets a block's port").isFalse();
        }
        assertThat(t.usage(block.address(), Protocol.UDP).free()).isEqualTo(1024 - 512);
    }

    @Test
    void blocksRunOutWithAClearErrorAndComeBackWhenReleased() throws Exception {
        SessionTable t = blockTable(1024, 3071, 1024, "203.0.113.10");
        Border b = NatTestConfigs.border(t);
        t.block(host(2), b, MAC, OFPort.of(2));
        // A static rule inside the second block keeps it from being handed out.
        t.reserve(Protocol.UDP, IPv4Address.of("203.0.113.10"), 2100, "a port forward");
        assertThatThrownBy(() -> t.block(host(3), b, MAC, OFPort.of(2)))
                .isInstanceOf(AllocationException.class).hasMessageContaining("no free block of 1024 ports");
        assertThat(t.releaseBlock(host(2))).isPresent();
        assertThat(t.releaseBlock(host(2))).isEmpty();
        assertThat(t.holder(Protocol.TCP, IPv4Address.of("203.0.113.10"), 1500)).isEmpty();
        assertThat(t.block(host(3), b, MAC, OFPort.of(2)).block().first()).isEqualTo(1024);
    }

    @Test
    void aBlockFollowsTheHostsPairedAddress() throws Exception {
        SessionTable t = blockTable(1024, 65535, 2048, "203.0.113.10-203.0.113.11");
        Border b = NatTestConfigs.border(t);
        int udp = map(t, Protocol.UDP, 2, 5000).session().publicPort();
        PortBlock block = t.block(host(2), b, MAC, OFPort.of(2)).block();
        assertThat(block.address()).isEqualTo(t.pairedAddress(host(2)).orElseThrow());
        assertThat(block.contains(udp)).as("skips the host's own live mapping").isFalse();
        assertThat(t.block(host(3), b, MAC, OFPort.of(2)).block().address()).as("spread over the pool")
                .isNotEqualTo(block.address());
    }

    @Test
    void aBlockReadBackIsReservedAgainUnlessItClashes() throws Exception {
        SessionTable t = blockTable(1024, 65535, 1024, "203.0.113.10");
        PortBlock read = new PortBlock(41, host(2), IPv4Address.of("203.0.113.10"), 5120, 6143, DPID, MAC,
                OFPort.of(2), 0);
        assertThat(t.restoreBlock(read)).isTrue();
        assertThat(t.holder(Protocol.UDP, read.address(), 6000)).isPresent();
        assertThat(t.pairedAddress(host(2))).contains(read.address());
        assertThat(t.restoreBlock(read)).as("the host has it already").isFalse();
        PortBlock overlapping = new PortBlock(42, host(3), read.address(), 6000, 7023, DPID, MAC, OFPort.of(2), 0);
        assertThat(t.restoreBlock(overlapping)).isFalse();
        PortBlock foreign = new PortBlock(43, host(4), IPv4Address.of("198.51.100.1"), 5120, 6143, DPID, MAC,
                OFPort.of(2), 0);
        assertThat(t.restoreBlock(foreign)).isFalse();
        assertThat(t.block(host(5), NatTestConfigs.border(t), MAC, OFPort.of(2)).block().id())
                .as("new ids continue after restored ones").isGreaterThan(41);
    }

    @Test
    void aHostOnAnotherBorderGetsABlockThereAndTheOldOneIsReportedDisplaced() throws Exception {
        SessionTable t = blockTable(1024, 65535, 1024, "203.0.113.10");
        Border one = NatTestConfigs.border(t);
        Border two = new Border(new Dpid(2), one.factory(), one.uplink(), one.addresses());
        SessionTable.BlockLookup first = t.block(host(2), one, MAC, OFPort.of(2));
        assertThat(first.displaced()).isNull();
        SessionTable.BlockLookup moved = t.block(host(2), two, MAC, OFPort.of(2));
        assertThat(moved.created()).isTrue();
        assertThat(moved.displaced()).isEqualTo(first.block());
        assertThat(moved.block().dpid()).isEqualTo(new Dpid(2));
        assertThat(t.blocks()).containsExactly(moved.block());
        assertThat(t.block(host(2), two, MAC, OFPort.of(2)).displaced()).isNull();
    }
}
