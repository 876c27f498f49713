package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.AppCookies;
import org.natflow.apps.ports.AllocationException;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U64;

/** What natflow writes into a flow table, it can read back: the basis of restart recovery. */
class MappingFlowsTest {

    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
    private final NatConfig config = NatTestConfigs.config(1024, 65535, 100, "203.0.113.10");
    private final NatFlows flows = new NatFlows(config);
    private final OFPort uplink = OFPort.of(1);

    private List<OFFlowStatsEntry> asTable(List<OFMessage> adds) {
        List<OFFlowStatsEntry> out = new ArrayList<>();
        for (OFMessage m : adds) {
            OFFlowAdd a = (OFFlowAdd) m;
            out.add(f.buildFlowStatsEntry().setTableId(a.getTableId()).setPriority(a.getPriority())
                    .setCookie(a.getCookie()).setMatch(a.getMatch()).setInstructions(a.getInstructions())
                    .setIdleTimeout(a.getIdleTimeout()).setDurationSec(42).build());
        }
        return out;
    }

    @Test
    void mappingsAreReadBackAndRestoredWithTheirPortsClaimed() {
        NatSession tcp = new NatSession(7, Protocol.TCP, IPv4Address.of("10.0.0.11"), 5000,
                IPv4Address.of("203.0.113.10"), 40000, Instant.EPOCH, new Dpid(1), MacAddress.of(9), OFPort.of(2));
        NatSession udp = new NatSession(9, Protocol.UDP, IPv4Address.of("10.0.0.12"), 53,
                IPv4Address.of("203.0.113.10"), 40001, Instant.EPOCH, new Dpid(1), MacAddress.of(10), OFPort.of(3));
        List<OFMessage> table = new ArrayList<>(flows.staticFlows(NatTestConfigs.border(config)));
        table.addAll(flows.mapping(f, uplink, tcp, 7440, null));
        table.addAll(flows.mapping(f, uplink, udp, 300, null));
        table.addAll(flows.hairpin(f, tcp, udp, 300));
        List<OFFlowStatsEntry> entries = asTable(table);
        entries.add(f.buildFlowStatsEntry().setCookie(NatCookies.outbound(11)).setMatch(f.matchWildcardAll())
                .setInstructions(List.of()).build()); // a flow natflow cannot have written

        MappingFlows.Found found = MappingFlows.read(entries, uplink);
        assertThat(found.outbound()).containsOnlyKeys(7L, 9L);
        assertThat(found.inbound()).containsOnlyKeys(7L, 9L);
        MappingFlows.Outbound o = found.outbound().get(7L);
        assertThat(o.protocol()).isEqualTo(Protocol.TCP);
        assertThat(o.insideAddress()).isEqualTo(IPv4Address.of("10.0.0.11"));
        assertThat(o.insidePort()).isEqualTo(5000);
        assertThat(o.publicAddress()).isEqualTo(IPv4Address.of("203.0.113.10"));
        assertThat(o.publicPort()).isEqualTo(40000);
        assertThat(o.ageSeconds()).isEqualTo(42);
        assertThat(found.inbound().get(9L).hostMac()).isEqualTo(MacAddress.of(10));
        assertThat(found.inbound().get(9L).hostPort()).isEqualTo(OFPort.of(3));
        assertThat(found.unreadable()).extracting(OFFlowStatsEntry::getCookie).containsExactly(NatCookies.outbound(11));

        MappingTable t = NatTestConfigs.table(NatTestConfigs.config(40000, 40002, 100, "203.0.113.10"), Clock.systemUTC());
        assertThat(t.restore(new NatSession(7, o.protocol(), o.insideAddress(), o.insidePort(), o.publicAddress(),
                o.publicPort(), Instant.now(), new Dpid(1), MacAddress.of(9), OFPort.of(2)))).isTrue();
        assertThat(t.restore(new NatSession(8, Protocol.TCP, IPv4Address.of("10.0.0.99"), 1, o.publicAddress(),
                o.publicPort(), Instant.now(), new Dpid(1), MacAddress.of(9), OFPort.of(2))))
                .as("the same public endpoint twice").isFalse();
        for (int i = 0; i < 2; i++) {
            assertThatPortIsNot(t, 40000);
        }
        assertThat(NatCookies.isMapping(U64.of(0x3000000000000L))).isFalse();
        assertThat(NatCookies.isMapping(AppCookies.cookie(AppCookies.NAT, 1L << 47)))
                .as("an ARP responder an earlier version left").isFalse();
        assertThat(NatCookies.isMapping(NatCookies.TCP_CLOSE)).isFalse();
    }

    private static void assertThatPortIsNot(MappingTable t, int port) {
        try {
            NatSession s = t.getOrCreate(Protocol.TCP, IPv4Address.of("10.0.0." + (50 + t.size())), 1000 + t.size(),
                    NatTestConfigs.border(NatTestConfigs.config(40000, 40002, 100, "203.0.113.10")), MacAddress.of(1), OFPort.of(2)).session();
            assertThat(s.publicPort()).as("restored port is never handed out").isNotEqualTo(port);
        } catch (AllocationException e) {
            throw new AssertionError(e);
        }
    }
}
