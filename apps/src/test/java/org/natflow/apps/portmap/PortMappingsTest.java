package org.natflow.apps.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.forward.PortForwardService;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.InMemoryPortForwardStore;
import org.natflow.apps.testing.MutableClock;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.projectfloodlight.openflow.types.MacAddress;

class PortMappingsTest {

    private static final IPv4Address HOST = IPv4Address.of("10.0.0.9");
    private static final SwitchInfo SWITCH = new SwitchInfo(new Dpid(1), OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true)));

    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingFlowService flows = new RecordingFlowService();
    private final BorderBed bed = new BorderBed(nat, flows, new RecordingPacketService(), SWITCH);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final InMemoryPortForwardStore store = new InMemoryPortForwardStore();
    private final PortForwardService forwards = new PortForwardService(bed.ports, store, flows, bed.borders, clock);
    private final Map<Integer, LiveMappings.Live> live = new TreeMap<>();
    private final PortMappings mappings = new PortMappings(forwards, bed.ports,
            (p, host, port) -> Optional.ofNullable(live.get(port)), new PortMappingPolicy(
            List.of(IPv4AddressWithMask.of("10.0.0.0/28")), 1024, 65535, Duration.ofHours(2), 2), clock);

    @AfterEach
    void stop() {
        forwards.shutdown();
        bed.close();
    }

    private MappingResult natpmp(IPv4Address host, Protocol p, int insidePort, int suggested, long lifetime) {
        return mappings.map(MappingRequest.simple("natpmp", host, p, insidePort, suggested, lifetime));
    }

    private static MappingRequest pcp(IPv4Address requester, IPv4Address host, Protocol p, int insidePort,
                                      int suggested, long lifetime, String nonce, boolean preferFailure,
                                      Optional<List<IPv4AddressWithMask>> filters) {
        return new MappingRequest("pcp", requester, host, p, insidePort, IPv4Address.NONE, suggested, lifetime,
                nonce, preferFailure, filters);
    }

    private static MappingRequest pcp(Protocol p, int insidePort, int suggested, long lifetime, String nonce) {
        return pcp(HOST, HOST, p, insidePort, suggested, lifetime, nonce, false, Optional.empty());
    }

    @Test
    void aMappingIsAForwardOfTheHostsThatIsRenewedDeletedAndExpires() {
        forwards.start();
        MappingResult m = natpmp(HOST, Protocol.TCP, 8000, 8080, 3600);
        assertThat(m).isEqualTo(new MappingResult(MappingOutcome.SUCCESS, 8000, IPv4Address.of("203.0.113.10"),
                8080, 3600));
        PortForwardRule r = forwards.all().get(0);
        assertThat(r.source()).isEqualTo("natpmp");
        assertThat(r.insideAddress()).isEqualTo(HOST);
        assertThat(r.expiresMillis()).isEqualTo(clock.millis() + 3_600_000);

        assertThat(natpmp(HOST, Protocol.TCP, 8000, 9999, 99_999).lifetimeSecs())
                .as("renewed, at most the policy's 2 h").isEqualTo(7200);
        assertThat(forwards.all()).hasSize(1);
        assertThat(forwards.all().get(0).publicPort()).as("the same mapping").isEqualTo(8080);

        MappingResult other = natpmp(HOST, Protocol.UDP, 5353, 8080, 60);
        assertThat(other.publicPort()).as("the same port, another protocol").isEqualTo(8080);
        assertThat(natpmp(HOST, Protocol.UDP, 5354, 0, 60).outcome()).as("the quota of 2")
                .isEqualTo(MappingOutcome.USER_EX_QUOTA);
        assertThat(natpmp(IPv4Address.of("10.0.0.20"), Protocol.TCP, 80, 0, 60).outcome())
                .as("outside the policy's networks").isEqualTo(MappingOutcome.NOT_AUTHORIZED);

        MappingResult taken = natpmp(IPv4Address.of("10.0.0.8"), Protocol.TCP, 8000, 8080, 60);
        assertThat(taken.success()).isTrue();
        assertThat(taken.publicPort()).as("8080 is h's: another port").isNotEqualTo(8080).isBetween(1024, 65535);

        clock.advance(Duration.ofSeconds(61));
        forwardsExpire();
        assertThat(forwards.all()).as("the 60 s mappings expired").extracting(PortForwardRule::protocol)
                .containsExactly(Protocol.TCP);
        assertThat(natpmp(HOST, Protocol.TCP, 0, 0, 0).success()).as("delete all of h's TCP mappings").isTrue();
        assertThat(forwards.all()).isEmpty();
    }

    @Test
    void aHostsMappingsGoWhenItsLeaseEndsAndAStaticHostsStay() {
        forwards.start();
        IPv4Address leased = IPv4Address.of("10.0.0.5");
        mappings.bound(java.util.Set.of(leased));
        natpmp(leased, Protocol.UDP, 5000, 0, 600);
        natpmp(HOST, Protocol.UDP, 5000, 0, 600); // a static host: never bound
        mappings.bound(java.util.Set.of(leased));
        assertThat(forwards.all()).hasSize(2);
        mappings.bound(java.util.Set.of());
        assertThat(forwards.all()).as("the ended lease's mapping goes").extracting(PortForwardRule::insideAddress)
                .containsExactly(HOST);
    }

    @Test
    void onlyTheNonceThatMadeAPcpMappingRenewsOrDeletesItAndNatPmpCannotTakeIt() {
        forwards.start();
        MappingResult m = mappings.map(pcp(Protocol.UDP, 4000, 40000, 600, "aa"));
        assertThat(m.publicPort()).isEqualTo(40000);
        assertThat(forwards.all().get(0).source()).isEqualTo("pcp");
        assertThat(mappings.map(pcp(Protocol.UDP, 4000, 0, 600, "bb")).outcome()).as("another nonce renews")
                .isEqualTo(MappingOutcome.NOT_AUTHORIZED);
        assertThat(mappings.map(pcp(Protocol.UDP, 4000, 0, 0, "bb")).outcome()).as("another nonce deletes")
                .isEqualTo(MappingOutcome.NOT_AUTHORIZED);
        assertThat(natpmp(HOST, Protocol.UDP, 4000, 0, 600).outcome()).as("NAT-PMP has no nonce")
                .isEqualTo(MappingOutcome.NOT_AUTHORIZED);
        assertThat(mappings.map(pcp(Protocol.UDP, 4000, 1, 900, "aa")).publicPort()).as("renewed, same port")
                .isEqualTo(40000);
        assertThat(mappings.map(pcp(Protocol.UDP, 4000, 0, 0, "aa")).success()).isTrue();
        assertThat(forwards.all()).isEmpty();
        assertThat(mappings.map(pcp(Protocol.UDP, 4000, 0, 0, "aa")).success()).as("deleting nothing succeeds")
                .isTrue();
    }

    @Test
    void preferFailureRefusesAnotherPortOrAddressInsteadOfGivingOne() {
        forwards.start();
        natpmp(IPv4Address.of("10.0.0.8"), Protocol.TCP, 80, 8080, 600);
        assertThat(mappings.map(pcp(HOST, HOST, Protocol.TCP, 80, 8080, 600, "aa", true, Optional.empty()))
                .outcome()).isEqualTo(MappingOutcome.CANNOT_PROVIDE_EXTERNAL);
        assertThat(mappings.map(new MappingRequest("pcp", HOST, HOST, Protocol.TCP, 80,
                IPv4Address.of("198.51.100.99"), 8081, 600, "aa", true, Optional.empty())).outcome())
                .as("not the host's pool address").isEqualTo(MappingOutcome.CANNOT_PROVIDE_EXTERNAL);
        assertThat(mappings.map(pcp(HOST, HOST, Protocol.TCP, 80, 8080, 600, "aa", false, Optional.empty()))
                .publicPort()).as("without the option another port").isNotEqualTo(8080);
    }

    @Test
    void filtersAreSetKeptOnARenewalWithoutThemAndCleared() {
        forwards.start();
        List<IPv4AddressWithMask> peers = List.of(IPv4AddressWithMask.of("198.51.100.0/24"));
        mappings.map(pcp(HOST, HOST, Protocol.TCP, 80, 0, 600, "aa", false, Optional.of(peers)));
        assertThat(forwards.all().get(0).allowedSources()).isEqualTo(peers);
        mappings.map(pcp(Protocol.TCP, 80, 0, 600, "aa"));
        assertThat(forwards.all().get(0).allowedSources()).as("kept").isEqualTo(peers);
        mappings.map(pcp(HOST, HOST, Protocol.TCP, 80, 0, 600, "aa", false, Optional.of(List.of())));
        assertThat(forwards.all().get(0).allowedSources()).as("cleared").isEmpty();
        List<IPv4AddressWithMask> many = java.util.stream.IntStream.range(0, PortMappings.MAX_REMOTES + 1)
                .mapToObj(i -> IPv4AddressWithMask.of("192.0.2." + i + "/32")).toList();
        assertThat(mappings.map(pcp(HOST, HOST, Protocol.TCP, 80, 0, 600, "aa", false, Optional.of(many)))
                .outcome()).isEqualTo(MappingOutcome.EXCESSIVE_REMOTE_PEERS);
    }

    @Test
    void thirdPartiesOnlyWhereThePolicyAllowsThemAndPortsAndLifetimesWithinIt() {
        forwards.start();
        IPv4Address other = IPv4Address.of("10.0.0.7");
        MappingRequest forOther = pcp(HOST, other, Protocol.TCP, 80, 0, 600, "aa", false, Optional.empty());
        assertThat(mappings.map(forOther).outcome()).as("off by default").isEqualTo(MappingOutcome.NOT_AUTHORIZED);
        mappings.setPolicy(new PortMappingPolicy(List.of(IPv4AddressWithMask.of("10.0.0.0/28")), 1024, 65535,
                80, 65535, Duration.ofSeconds(120), Duration.ofHours(2), 2,
                List.of(IPv4AddressWithMask.of("10.0.0.9/32"))));
        MappingResult m = mappings.map(forOther);
        assertThat(m.outcome()).isEqualTo(MappingOutcome.SUCCESS);
        assertThat(m.lifetimeSecs()).as("within the policy's lifetimes").isEqualTo(600);
        assertThat(forwards.all().get(0).insideAddress()).isEqualTo(other);
        assertThat(mappings.map(pcp(Protocol.TCP, 81, 0, 5, "bb")).lifetimeSecs()).as("at least 120 s")
                .isEqualTo(120);
        assertThat(mappings.map(pcp(Protocol.TCP, 22, 0, 600, "bb")).outcome()).as("inside port below 80")
                .isEqualTo(MappingOutcome.NOT_AUTHORIZED);
        assertThat(mappings.map(pcp(null, 0, 0, 600, "bb")).outcome()).as("all protocols, not a delete")
                .isEqualTo(MappingOutcome.UNSUPP_PROTOCOL);
        assertThat(mappings.map(pcp(HOST, IPv4Address.of("192.0.2.1"), Protocol.TCP, 80, 0, 600, "aa", false,
                Optional.empty())).outcome()).as("a third party outside the inside networks")
                .isEqualTo(MappingOutcome.NOT_AUTHORIZED);
    }

    @Test
    void aPeerMappingAdmitsItsPeersOnlyAndALiveNatMappingAnswersInstead() {
        forwards.start();
        IPv4Address a = IPv4Address.of("198.51.100.7");
        IPv4Address b = IPv4Address.of("192.0.2.8");
        MappingResult m = mappings.peer(pcp(Protocol.UDP, 5000, 45000, 300, "aa"), a);
        assertThat(m.publicPort()).isEqualTo(45000);
        assertThat(forwards.all().get(0).allowedSources()).containsExactly(a.withMaskOfLength(32));
        assertThat(mappings.peer(pcp(Protocol.UDP, 5000, 0, 300, "aa"), b).publicPort()).as("the same mapping")
                .isEqualTo(45000);
        assertThat(forwards.all().get(0).allowedSources()).containsExactly(a.withMaskOfLength(32),
                b.withMaskOfLength(32));
        assertThat(mappings.peer(pcp(Protocol.UDP, 5000, 0, 300, "bb"), b).outcome()).as("another nonce")
                .isEqualTo(MappingOutcome.NOT_AUTHORIZED);
        mappings.peer(pcp(Protocol.UDP, 5000, 0, 0, "aa"), a);
        assertThat(forwards.all().get(0).allowedSources()).containsExactly(b.withMaskOfLength(32));
        mappings.peer(pcp(Protocol.UDP, 5000, 0, 0, "aa"), b);
        assertThat(forwards.all()).as("no peer left: gone").isEmpty();

        live.put(6000, new LiveMappings.Live(IPv4Address.of("203.0.113.10"), 5123, 60));
        MappingResult nat = mappings.peer(pcp(Protocol.UDP, 6000, 0, 300, "cc"), a);
        assertThat(nat.publicPort()).as("the NAT's own mapping").isEqualTo(5123);
        assertThat(nat.lifetimeSecs()).as("kept while traffic flows: its idle timeout").isEqualTo(60);
        assertThat(forwards.all()).isEmpty();

        mappings.map(pcp(Protocol.UDP, 7000, 0, 300, "dd"));
        assertThat(mappings.peer(pcp(Protocol.UDP, 7000, 0, 600, "dd"), a).lifetimeSecs())
                .as("an inbound mapping extended").isEqualTo(600);
        assertThat(forwards.all().get(0).allowedSources()).as("still open to everyone").isEmpty();
    }

    private void forwardsExpire() {
        forwards.expire(clock.millis()); // what its timer does every second
    }
}
