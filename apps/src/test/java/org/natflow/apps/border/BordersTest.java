package org.natflow.apps.border;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.AppCookies;
import org.natflow.apps.nat.NatConfig;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.testing.FixedSwitchService;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.StatisticsService;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFlowDelete;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFPortStatsEntry;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.U64;

/** The border lifecycle as an app sees it, with recording apps and a switch whose table holds their flows. */
class BordersTest {

    private static final Dpid DPID = new Dpid(1);
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));

    /** Records every lifecycle call, by app name. */
    private static final class Recorder implements BorderApp {
        final String name;
        final int cookieApp;
        final boolean readsBack;
        final List<String> calls;
        String refusal;
        boolean fail;

        Recorder(String name, int cookieApp, boolean readsBack, List<String> calls) {
            this.name = name;
            this.cookieApp = cookieApp;
            this.readsBack = readsBack;
            this.calls = calls;
        }

        @Override
        public int cookieApp() {
            return cookieApp;
        }

        @Override
        public Optional<String> refusal(SwitchInfo sw) {
            return Optional.ofNullable(refusal);
        }

        @Override
        public void borderUp(Border b) {
            calls.add(name + " up");
            if (fail) {
                throw new IllegalStateException("broken");
            }
        }

        @Override
        public boolean readsBack() {
            return readsBack;
        }

        @Override
        public void reconcile(Border b, List<OFFlowStatsEntry> flows) {
            calls.add(name + " reconcile " + flows.stream().map(e -> Long.toHexString(e.getCookie().getValue()))
                    .toList());
        }

        @Override
        public void portsChanged(Border b) {
            calls.add(name + " ports");
        }

        @Override
        public void borderRetired(Border b) {
            calls.add(name + " retired");
        }

        @Override
        public void borderDown(Border b) {
            calls.add(name + " down");
        }
    }

    /** A switch table holding one flow of each app, filtered by cookie as a switch does. */
    private static final class OneFlowPerApp implements StatisticsService {
        @Override
        public CompletableFuture<List<OFFlowStatsEntry>> flowStats(Dpid dpid, U64 cookie, U64 mask) {
            var f = OFFactories.getFactory(OFVersion.OF_13);
            List<OFFlowStatsEntry> all = new ArrayList<>();
            for (int app : List.of(AppCookies.NAT, AppCookies.FORWARD)) {
                all.add(f.buildFlowStatsEntry().setCookie(AppCookies.cookie(app, 5)).setMatch(f.matchWildcardAll())
                        .build());
            }
            return CompletableFuture.completedFuture(all.stream()
                    .filter(e -> (e.getCookie().getValue() & mask.getValue()) == cookie.getValue()).toList());
        }

        @Override
        public CompletableFuture<List<OFPortStatsEntry>> portStats(Dpid dpid) {
            return CompletableFuture.completedFuture(List.of());
        }
    }

    private final NatConfig config = NatTestConfigs.config(5000, 6000, 100, "203.0.113.10");
    private final RecordingFlowService flows = new RecordingFlowService();
    private final Borders borders = new Borders(config.gateway(), new FixedSwitchService(SWITCH), flows,
            new RecordingPacketService(), new OneFlowPerApp(), config.publicPorts(Clock.systemUTC()));
    private final List<String> calls = new ArrayList<>();
    private final Recorder nat = new Recorder("nat", AppCookies.NAT, true, calls);
    private final Recorder forward = new Recorder("forward", AppCookies.FORWARD, true, calls);
    private final Recorder relay = new Recorder("relay", AppCookies.RELAY, false, calls);

    @AfterEach
    void stop() {
        borders.shutdown();
    }

    private void registerAll() {
        borders.register(nat);
        borders.register(forward);
        borders.register(relay);
    }

    @Test
    void appsComeUpInOrderAndEachReadsBackOnlyItsOwnFlows() {
        registerAll();
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        assertThat(calls).containsExactly("nat up", "nat reconcile [3000000000005]", "forward up",
                "forward reconcile [4000000000005]", "relay up");
        assertThat(borders.dpids()).containsExactly(DPID);
        assertThat(borders.border(DPID).addresses()).containsExactly(config.publicAddresses().get(0));
    }

    @Test
    void anAppRegisteredLateMeetsTheBordersAlreadyUp() {
        borders.register(nat);
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        calls.clear();
        borders.register(forward);
        assertThat(calls).containsExactly("forward up", "forward reconcile [4000000000005]");
    }

    @Test
    void retiringRunsLastRegisteredFirstThenDeletesEveryAppsFlowsByCookie() {
        registerAll();
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        calls.clear();
        flows.batches.clear();
        borders.setUplinks(List.of(Uplink.named("s1-eth2", List.of())));
        assertThat(calls.subList(0, 6)).containsExactly("relay retired", "relay down", "forward retired",
                "forward down", "nat retired", "nat down");
        assertThat(flows.batches.get(0).messages()).allMatch(m -> m instanceof OFFlowDelete)
                .extracting(m -> AppCookies.app(((OFFlowDelete) m).getCookie()))
                .containsExactly(AppCookies.RELAY, AppCookies.FORWARD, AppCookies.NAT, AppCookies.BORDER);
        assertThat(calls.subList(6, calls.size())).as("adopted again on the new uplink").startsWith("nat up");
        assertThat(borders.border(DPID).uplink().getPortNumber()).isEqualTo(2);
    }

    @Test
    void aRefusingAppKeepsTheSwitchFromBeingABorder() {
        registerAll();
        forward.refusal = "cannot carry forward flows";
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        assertThat(borders.dpids()).isEmpty();
        assertThat(calls).isEmpty();
        assertThat(flows.batches).isEmpty();
    }

    @Test
    void anAppThatThrowsStopsNoOther() {
        registerAll();
        nat.fail = true;
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        assertThat(calls).contains("forward up", "relay up");
    }

    @Test
    void portChangesAndDisconnectsReachEveryApp() {
        registerAll();
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        calls.clear();
        borders.event(SwitchEvent.of(SwitchEvent.Type.PORT_ADDED, SWITCH, SWITCH.ports().get(1)));
        assertThat(calls).containsExactly("nat ports", "forward ports", "relay ports");
        calls.clear();
        borders.event(SwitchEvent.of(SwitchEvent.Type.DISCONNECTED, SWITCH));
        assertThat(calls).containsExactly("nat down", "forward down", "relay down");
        assertThat(borders.dpids()).isEmpty();
    }

    @Test
    void anUplinkNamedByPortNameStaysWithTheFirstSwitchThatHadIt() {
        registerAll();
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        SwitchInfo stranger = new SwitchInfo(new Dpid(0x66), OFVersion.OF_13, "test", Instant.EPOCH, 254,
                SWITCH.ports());
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, stranger));
        assertThat(borders.dpids()).as("a second switch with a port named like the uplink").containsExactly(DPID);
        borders.event(SwitchEvent.of(SwitchEvent.Type.DISCONNECTED, SWITCH));
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, stranger));
        assertThat(borders.dpids()).as("not even while the border is away").isEmpty();
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        assertThat(borders.dpids()).as("the border itself comes back").containsExactly(DPID);
    }

    @Test
    void anUplinkOfAnySwitchMakesEverySwitchWithThePortABorder() {
        registerAll();
        borders.setUplinks(List.of(Uplink.parse("*/s1-eth1")));
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, SWITCH));
        SwitchInfo other = new SwitchInfo(new Dpid(0x66), OFVersion.OF_13, "test", Instant.EPOCH, 254,
                SWITCH.ports());
        borders.event(SwitchEvent.of(SwitchEvent.Type.CONNECTED, other));
        assertThat(borders.dpids()).containsExactlyInAnyOrder(DPID, new Dpid(0x66));
        assertThat(borders.uplinks()).extracting(Uplink::port).containsExactly("*/s1-eth1");
    }
}
