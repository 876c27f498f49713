package org.natflow.apps.vpn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.nat.MappingLog;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.MutableClock;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

class VpnServiceTest {

    /** The tunnel as a map of peers. */
    static final class FakeDevice implements TunnelDevice {
        final Map<String, IPv4Address> peers = new HashMap<>();
        volatile boolean started;

        @Override
        public void start() {
            started = true;
        }

        @Override
        public String publicKey() {
            return "MpnV8HJCR9EwJvy4HCAQqkgfl7mQgk0zDf1n/E0WayI=";
        }

        @Override
        public MacAddress linkMac() {
            return MacAddress.of("02:00:00:00:0a:01");
        }

        @Override
        public IPv4Address linkAddress() {
            return IPv4Address.of("169.254.101.1");
        }

        @Override
        public synchronized void addPeer(String publicKey, IPv4Address address) {
            peers.put(publicKey, address);
        }

        @Override
        public synchronized void removePeer(String publicKey) {
            peers.remove(publicKey);
        }

        @Override
        public Map<String, PeerStatus> status() {
            return Map.of();
        }
    }

    /** Peers and ended leases in memory. */
    static final class InMemoryStore implements VpnPeerStore {
        final Map<Long, VpnPeer> live = new TreeMap<>();
        final Map<IPv4Address, Long> ended = new HashMap<>();
        private long next = 1;

        @Override
        public synchronized VpnPeer create(VpnPeer peer) {
            VpnPeer p = peer.withId(next++);
            live.put(p.id(), p);
            return p;
        }

        @Override
        public synchronized Optional<VpnPeer> delete(long id, long endedMillis) {
            VpnPeer p = live.remove(id);
            if (p != null) {
                ended.put(p.address(), endedMillis);
            }
            return Optional.ofNullable(p);
        }

        @Override
        public synchronized List<VpnPeer> all() {
            return new ArrayList<>(live.values());
        }

        @Override
        public synchronized List<IPv4Address> endedSince(long sinceMillis) {
            return ended.entrySet().stream().filter(e -> e.getValue() >= sinceMillis).map(Map.Entry::getKey).toList();
        }
    }

    private static final Dpid DPID = new Dpid(1);
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true),
                    new SwitchPort(3, "nfvpn-s1", MacAddress.of(3), true)));

    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingFlowService flows = new RecordingFlowService();
    private final BorderBed bed = new BorderBed(nat, flows, new RecordingPacketService(), SWITCH);
    private final FakeDevice device = new FakeDevice();
    private final InMemoryStore store = new InMemoryStore();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final List<String> logLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final VpnService vpn = new VpnService(new VpnConfig(Addresses.pool(List.of("203.0.113.70-203.0.113.71")),
            51820, "nfvpn-s1", Duration.ofHours(1), 25), store, device, flows, new FixedSwitchService(SWITCH),
            bed.borders, bed.ports, new MappingLog(line -> logLines.add(line.toString()), clock), clock);

    @AfterEach
    void stop() {
        vpn.shutdown();
        bed.close();
    }

    private List<OFFlowAdd> adds(Pipeline.Band band) {
        return flows.batches.stream().flatMap(b -> b.messages().stream())
                .filter(m -> m instanceof OFFlowAdd a && a.getPriority() == band.priority()
                        && AppCookies.app(a.getCookie()) == band.app())
                .map(m -> (OFFlowAdd) m).toList();
    }

    private void upAndLinked() {
        vpn.start();
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!vpn.linked()) {
            assertThat(System.nanoTime()).as("the VPN linked within 5 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void aPeerLeasesAnAddressWithAGeneratedKeyAndADeletedOnesAddressWaitsOutItsQuarantine() {
        upAndLinked();
        assertThat(adds(Pipeline.Band.VPN_ENDPOINT)).as("the outer UDP both ways").hasSize(2);
        assertThat(bed.ports.holder(Protocol.UDP, IPv4Address.of("203.0.113.10"), 51820)).contains(
                "the VPN's endpoint (natflow.vpn.port)");

        VpnService.Created a = vpn.create("alice", null, List.of());
        assertThat(a.peer().address()).isEqualTo(IPv4Address.of("203.0.113.70"));
        assertThat(WireGuardKeys.isKey(a.privateKey())).isTrue();
        assertThat(a.clientConfig()).contains("PrivateKey = " + a.privateKey()).contains("Address = 203.0.113.70/32")
                .contains("PublicKey = " + device.publicKey()).contains("Endpoint = 203.0.113.10:51820")
                .contains("AllowedIPs = 0.0.0.0/0").contains("PersistentKeepalive = 25");
        assertThat(device.peers).containsEntry(a.peer().publicKey(), IPv4Address.of("203.0.113.70"));
        assertThat(adds(Pipeline.Band.VPN_PEER)).as("out from the link, in from the uplink").hasSize(2);
        assertThat(adds(Pipeline.Band.VPN_HAIRPIN_FIRST)).as("inside hosts' first packets to it").hasSize(1);
        assertThat(bed.borders.hostAddresses().byPublic(IPv4Address.of("203.0.113.70")).orElseThrow().location())
                .as("hairpinned traffic goes to the link").isEqualTo(new org.natflow.apps.border.HostLocation(
                        device.linkMac(), org.projectfloodlight.openflow.types.OFPort.of(3)));
        assertThat(bed.borders.hostAddresses().servedBy(bed.borders.border(DPID), IPv4Address.of("203.0.113.70")))
                .as("the border answers ARP for it").isTrue();

        String key = WireGuardKeys.generate().publicKey();
        VpnService.Created b = vpn.create("bob", key, List.of());
        assertThat(b.privateKey()).isNull();
        assertThat(b.peer().address()).isEqualTo(IPv4Address.of("203.0.113.71"));
        assertThatThrownBy(() -> vpn.create("carol", null, List.of())).isInstanceOf(RuleException.class)
                .hasMessageContaining("no address left");
        assertThatThrownBy(() -> vpn.create("bob again", key, List.of())).isInstanceOf(RuleException.class)
                .hasMessageContaining("VPN peer " + b.peer().id());

        vpn.delete(a.peer().id());
        assertThat(device.peers).doesNotContainKey(a.peer().publicKey());
        assertThat(bed.borders.hostAddresses().servedBy(bed.borders.border(DPID), IPv4Address.of("203.0.113.70")))
                .isFalse();
        assertThatThrownBy(() -> vpn.create("carol", null, List.of())).as("203.0.113.70 is in quarantine")
                .isInstanceOf(RuleException.class).hasMessageContaining("quarantined");
        clock.advance(Duration.ofMinutes(61));
        assertThat(vpn.create("carol", null, List.of()).peer().address()).isEqualTo(IPv4Address.of("203.0.113.70"));
    }

    @Test
    void aPeerWithAllowedSourcesIsReachableFromThemOnlyAndItsLeaseIsInTheMappingLog() {
        upAndLinked();
        VpnService.Created c = vpn.create("cam", null, List.of(
                org.projectfloodlight.openflow.types.IPv4AddressWithMask.of("198.51.100.0/24"),
                org.projectfloodlight.openflow.types.IPv4AddressWithMask.of("192.0.2.0/28")));
        List<OFFlowAdd> in = adds(Pipeline.Band.VPN_PEER).stream()
                .filter(a -> a.getMatch().isExact(org.projectfloodlight.openflow.protocol.match.MatchField.IPV4_DST))
                .toList();
        assertThat(in).as("one inbound flow per allowed prefix").hasSize(2);
        assertThat(in.toString()).contains("198.51.100.0").contains("192.0.2.0");
        vpn.delete(c.peer().id());
        assertThat(logLines).hasSize(2);
        assertThat(logLines.get(0)).contains("event=vpn-lease-created id=" + c.peer().id())
                .contains("peer=\"cam\"").contains("public=203.0.113.70");
        assertThat(logLines.get(1)).contains("event=vpn-lease-deleted").contains("reason=deleted").contains(" end=");
    }

    @Test
    void badNamesAndKeysAreRefusedByFieldAndStoredPeersComeBackAtStart() {
        VpnPeer stored = store.create(new VpnPeer(0, "kept", WireGuardKeys.generate().publicKey(),
                IPv4Address.of("203.0.113.71"), List.of(), 0));
        upAndLinked();
        assertThat(device.peers).containsKey(stored.publicKey());
        assertThat(vpn.create("new", null, List.of()).peer().address()).as("the stored lease is kept")
                .isEqualTo(IPv4Address.of("203.0.113.70"));
        assertThatThrownBy(() -> vpn.create("a/b", null, List.of())).isInstanceOf(RuleException.class)
                .extracting(e -> ((RuleException) e).field()).isEqualTo("name");
        assertThatThrownBy(() -> vpn.create("x", "not-a-key", List.of())).isInstanceOf(RuleException.class)
                .extracting(e -> ((RuleException) e).field()).isEqualTo("publicKey");
    }

    @Test
    void addressesOutsideTheUplinkSubnetOrInThePoolCannotBeLent() {
        for (String bad : List.of("192.0.2.5", "203.0.113.10", "203.0.113.1")) {
            assertThatThrownBy(() -> new VpnService(new VpnConfig(List.of(IPv4Address.of(bad)), 51820, "nfvpn-s1",
                    Duration.ofHours(1), 0), store, device, flows, new FixedSwitchService(SWITCH), bed.borders,
                    bed.ports, MappingLog.off(), clock)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("natflow.vpn.addresses");
        }
    }

    @Test
    void theJdksKeysAreWireGuardsKeys() throws Exception {
        WireGuardKeys.Pair pair = WireGuardKeys.generate();
        assertThat(WireGuardKeys.base64(WireGuardKeys.hex(pair.publicKey()))).isEqualTo(pair.publicKey());
        if (new java.io.File("/usr/bin/wg").canExecute()) {
            Process p = new ProcessBuilder("/usr/bin/wg", "pubkey").start();
            p.getOutputStream().write((pair.privateKey() + "\n").getBytes());
            p.getOutputStream().close();
            String derived = new String(p.getInputStream().readAllBytes()).strip();
            assertThat(p.waitFor()).isZero();
            assertThat(derived).as("wg pubkey of the JDK's private key").isEqualTo(pair.publicKey());
        }
    }
}
