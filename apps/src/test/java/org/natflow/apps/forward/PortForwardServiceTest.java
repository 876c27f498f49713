package org.natflow.apps.forward;

import org.natflow.apps.nat.NatTestConfigs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.nat.AllocationException;
import org.natflow.apps.nat.NaptService;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigsAccess;
import org.natflow.apps.nat.Protocol;
import org.natflow.apps.nat.SessionTable;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.EmptyStatisticsService;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

class PortForwardServiceTest {

    /** The store as a map. */
    static final class InMemoryStore implements PortForwardStore {
        private final Map<Long, PortForwardRule> rules = new TreeMap<>();
        private long next = 1;

        @Override
        public PortForwardRule create(PortForwardRule rule) {
            PortForwardRule r = rule.withId(next++);
            rules.put(r.id(), r);
            return r;
        }

        @Override
        public Optional<PortForwardRule> update(PortForwardRule rule) {
            return rules.containsKey(rule.id()) ? Optional.of(rules.put(rule.id(), rule)).map(x -> rule)
                    : Optional.empty();
        }

        @Override
        public boolean delete(long id) {
            return rules.remove(id) != null;
        }

        @Override
        public Optional<PortForwardRule> get(long id) {
            return Optional.ofNullable(rules.get(id));
        }

        @Override
        public List<PortForwardRule> all() {
            return new ArrayList<>(rules.values());
        }
    }


    private final NatConfig config = NatTestConfigsAccess.config(5000, 5003, 100, "203.0.113.10");
    private final SessionTable table = new SessionTable(config, Clock.systemUTC());
    private final InMemoryStore store = new InMemoryStore();

    private final NaptService napt = new NaptService(config, table, new RecordingFlowService(),
            new RecordingPacketService(), new FixedSwitchService(), new EmptyStatisticsService());
    private final PortForwardService forwards = new PortForwardService(config, table, store,
            new RecordingFlowService(), napt, new EmptyStatisticsService());

    @AfterEach
    void stop() {
        forwards.shutdown();
        napt.shutdown();
    }

    private static PortForwardRule rule(Protocol p, int from, int to) {
        return new PortForwardRule(0, p, IPv4Address.of("203.0.113.10"), from, to, IPv4Address.of("10.0.0.9"), 80,
                List.of(), "", true);
    }

    @Test
    void forwardedPortsAreNeverAllocatedDynamically() throws Exception {
        forwards.start();
        forwards.create(rule(Protocol.UDP, 5000, 5002));
        var s = table.getOrCreate(Protocol.UDP, IPv4Address.of("10.0.0.2"), 1, NatTestConfigs.border(table), MacAddress.of(1),
                OFPort.of(2)).session();
        assertThat(s.publicPort()).isEqualTo(5003);
        assertThatThrownBy(() -> table.getOrCreate(Protocol.UDP, IPv4Address.of("10.0.0.3"), 1, NatTestConfigs.border(table),
                MacAddress.of(1), OFPort.of(2))).isInstanceOf(AllocationException.class);
    }

    @Test
    void deletingARuleFreesItsPortsAndStoredRulesAreReservedAtStart() throws Exception {
        PortForwardRule stored = store.create(rule(Protocol.TCP, 5000, 5003));
        forwards.start();
        assertThatThrownBy(() -> table.getOrCreate(Protocol.TCP, IPv4Address.of("10.0.0.2"), 1, NatTestConfigs.border(table),
                MacAddress.of(1), OFPort.of(2))).as("reserved from the store at start").isInstanceOf(AllocationException.class);
        forwards.delete(stored.id());
        assertThat(table.getOrCreate(Protocol.TCP, IPv4Address.of("10.0.0.2"), 1, NatTestConfigs.border(table), MacAddress.of(1),
                OFPort.of(2)).created()).isTrue();
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
        forwards.create(new PortForwardRule(0, Protocol.TCP, IPv4Address.of("203.0.113.10"), 5001, 5001,
                IPv4Address.of("10.0.0.8"), 80, List.of(), "", true));
        assertThatThrownBy(() -> forwards.update(a.id(), rule(Protocol.TCP, 5001, 5001)))
                .isInstanceOf(RuleException.class).extracting(e -> ((RuleException) e).kind())
                .isEqualTo(RuleException.Kind.CONFLICT);
        assertThat(store.get(a.id()).orElseThrow().publicPort()).isEqualTo(5000);
        assertThat(table.holder(Protocol.TCP, IPv4Address.of("203.0.113.10"), 5000)).as("still the old rule's")
                .contains("a port forward");
    }
}
