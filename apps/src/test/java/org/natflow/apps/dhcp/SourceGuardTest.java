package org.natflow.apps.dhcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.natflow.apps.Pipeline;
import org.natflow.apps.nat.NatTestConfigs;
import org.natflow.apps.testing.BorderBed;
import org.natflow.apps.testing.RecordingFlowService;
import org.natflow.apps.testing.RecordingPacketService;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchInfo;
import org.natflow.controller.api.SwitchPort;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;

class SourceGuardTest {

    private static final Dpid DPID = new Dpid(1);
    private static final SwitchInfo SWITCH = new SwitchInfo(DPID, OFVersion.OF_13, "test", Instant.EPOCH, 254,
            List.of(new SwitchPort(1, "s1-eth1", MacAddress.of(1), true),
                    new SwitchPort(2, "s1-eth2", MacAddress.of(2), true)));
    private static final Binding H1 = new Binding(MacAddress.of("02:00:00:00:00:11"), IPv4Address.of("10.0.0.100"));
    private static final Binding H2 = new Binding(MacAddress.of("02:00:00:00:00:12"), IPv4Address.of("10.0.0.101"));

    private final RecordingFlowService flows = new RecordingFlowService();
    private final BorderBed bed = new BorderBed(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"), flows,
            new RecordingPacketService(), SWITCH);
    private final Set<Binding> bindings = new HashSet<>(Set.of(H1));
    private final SourceGuard guard = new SourceGuard(bed.borders, flows, bed.config.gateway().insideMac(),
            () -> Set.copyOf(bindings));

    @AfterEach
    void stop() {
        bed.close();
    }

    private List<OFMessage> guardMessages() {
        return flows.batches.stream().flatMap(b -> b.messages().stream())
                .filter(m -> (m instanceof OFFlowAdd a && Pipeline.bandOf(a).map(x -> x.app() == 9).orElse(false))
                        || m instanceof OFFlowDeleteStrict d && d.getPriority() == Pipeline.Band.DHCP_GUARD_PASS.priority())
                .toList();
    }

    @Test
    void onlyBoundPairsPassAndTheDropComesAfterThem() {
        bed.borders.register(guard);
        bed.event(SwitchEvent.Type.CONNECTED, SWITCH);
        List<OFMessage> up = guardMessages();
        OFFlowAdd first = (OFFlowAdd) up.get(0);
        assertThat(first.getMatch().get(MatchField.ETH_SRC)).isEqualTo(H1.mac());
        assertThat(first.getMatch().get(MatchField.IPV4_SRC)).isEqualTo(H1.address());
        assertThat(first.getMatch().get(MatchField.ETH_DST)).isEqualTo(bed.config.gateway().insideMac());
        assertThat(first.getInstructions().toString()).contains("Reg7").contains("table=0");
        OFFlowAdd drop = up.stream().map(m -> (OFFlowAdd) m)
                .filter(a -> a.getPriority() == Pipeline.Band.DHCP_GUARD_DROP.priority()).findFirst().orElseThrow();
        assertThat(drop.getInstructions()).as("dropped").isEmpty();
        assertThat(drop.getMatch().get(MatchField.REG7).getValue()).as("only unmarked").isZero();
        assertThat(up.indexOf(drop)).as("passes first: a bound host never meets the drop alone")
                .isGreaterThan(up.indexOf(first));

        int before = guardMessages().size();
        bindings.remove(H1);
        bindings.add(H2);
        guard.sync();
        List<OFMessage> change = guardMessages().subList(before, guardMessages().size());
        assertThat(change).hasSize(2);
        assertThat(change).anyMatch(m -> m instanceof OFFlowAdd a && H2.address().equals(a.getMatch().get(MatchField.IPV4_SRC)));
        assertThat(change).anyMatch(m -> m instanceof OFFlowDeleteStrict d
                && H1.address().equals(d.getMatch().get(MatchField.IPV4_SRC)));
        guard.sync();
        assertThat(guardMessages()).as("nothing changed, nothing sent").hasSize(before + 2);
    }
}
