package org.natflow.apps.portmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.forward.PortForwardService;
import org.natflow.apps.forward.PortForwardStore;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.testing.BorderBed;
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

    /** Forwards in a map. */
    static final class InMemoryStore implements PortForwardStore {
        private final Map<Long, PortForwardRule> rules = new TreeMap<>();
        private long next = 1;

        @Override
        public synchronized PortForwardRule create(PortForwardRule rule) {
            PortForwardRule r = rule.withId(next++);
            rules.put(r.id(), r);
            return r;
        }

        @Override
        public synchronized Optional<PortForwardRule> update(PortForwardRule rule) {
            return rules.replace(rule.id(), rule) == null ? Optional.empty() : Optional.of(rule);
        }

        @Override
        public synchronized boolean delete(long id) {
            return rules.remove(id) != null;
        }

        @Override
        public synchronized Optional<PortForwardRule> get(long id) {
            return Optional.ofNullable(rules.get(id));
        }

        @Override
        public synchronized List<PortForwardRule> all() {
            return new ArrayList<>(rules.values());
        }
    }

    private static final IPv4Address HOST = IPv4Address.of("10.0.0.9");
    private static final SwitchInfo SWITCH = new SwitchInfo(new Dpid(1), OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true)));

    private final NatConfig nat = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingFlowService flows = new RecordingFlowService();
    private final BorderBed bed = new BorderBed(nat, flows, new RecordingPacketService(), SWITCH);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final InMemoryStore store = new InMemoryStore();
    private final PortForwardService forwards = new PortForwardService(bed.ports, store, flows, bed.borders, clock);
    private final PortMappings mappings = new PortMappings(forwards, bed.ports, new PortMappingPolicy(
            List.of(IPv4AddressWithMask.of("10.0.0.0/28")), 1024, 65535, Duration.ofHours(2), 2), clock, "natpmp");

    @AfterEach
    void stop() {
        forwards.shutdown();
        bed.close();
    }

    @Test
    void aMappingIsAForwardOfTheHostsThatIsRenewedDeletedAndExpires() {
        forwards.start();
        MappingResult m = mappings.map(HOST, Protocol.TCP, 8000, 8080, 3600);
        assertThat(m).isEqualTo(new MappingResult(MappingResult.SUCCESS, 8000, 8080, 3600));
        PortForwardRule r = forwards.all().get(0);
        assertThat(r.source()).isEqualTo("natpmp");
        assertThat(r.insideAddress()).isEqualTo(HOST);
        assertThat(r.expiresMillis()).isEqualTo(clock.millis() + 3_600_000);

        assertThat(mappings.map(HOST, Protocol.TCP, 8000, 9999, 99_999).lifetimeSecs())
                .as("renewed, at most the policy's 2 h").isEqualTo(7200);
        assertThat(forwards.all()).hasSize(1);
        assertThat(forwards.all().get(0).publicPort()).as("the same mapping").isEqualTo(8080);

        MappingResult other = mappings.map(HOST, Protocol.UDP, 5353, 8080, 60);
        assertThat(other.publicPort()).as("the same port, another protocol").isEqualTo(8080);
        assertThat(mappings.map(HOST, Protocol.UDP, 5354, 0, 60).code()).as("the quota of 2")
                .isEqualTo(MappingResult.OUT_OF_RESOURCES);
        assertThat(mappings.map(IPv4Address.of("10.0.0.20"), Protocol.TCP, 80, 0, 60).code())
                .as("outside the policy's networks").isEqualTo(MappingResult.NOT_AUTHORIZED);

        MappingResult taken = mappings.map(IPv4Address.of("10.0.0.8"), Protocol.TCP, 8000, 8080, 60);
        assertThat(taken.code()).isEqualTo(MappingResult.SUCCESS);
        assertThat(taken.publicPort()).as("8080 is h's: another port").isNotEqualTo(8080).isBetween(1024, 65535);

        clock.advance(Duration.ofSeconds(61));
        forwardsExpire();
        assertThat(forwards.all()).as("the 60 s mappings expired").extracting(PortForwardRule::protocol)
                .containsExactly(Protocol.TCP);
        assertThat(mappings.map(HOST, Protocol.TCP, 0, 0, 0).code()).as("delete all of h's TCP mappings")
                .isEqualTo(MappingResult.SUCCESS);
        assertThat(forwards.all()).isEmpty();
    }

    @Test
    void aHostsMappingsGoWhenItsLeaseEndsAndAStaticHostsStay() {
        forwards.start();
        IPv4Address leased = IPv4Address.of("10.0.0.5");
        mappings.bound(java.util.Set.of(leased));
        mappings.map(leased, Protocol.UDP, 5000, 0, 600);
        mappings.map(HOST, Protocol.UDP, 5000, 0, 600); // a static host: never bound
        mappings.bound(java.util.Set.of(leased));
        assertThat(forwards.all()).hasSize(2);
        mappings.bound(java.util.Set.of());
        assertThat(forwards.all()).as("the ended lease's mapping goes").extracting(PortForwardRule::insideAddress)
                .containsExactly(HOST);
    }

    private void forwardsExpire() {
        forwards.expire(clock.millis()); // what its timer does every second
    }
}
