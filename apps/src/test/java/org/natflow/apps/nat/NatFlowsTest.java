package org.natflow.apps.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.natflow.apps.Pipeline;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.Dpid;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowAdd;
import org.projectfloodlight.openflow.protocol.OFFlowModFlags;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;

class NatFlowsTest {

    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
    private final NatFlows flows = new NatFlows(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"));
    private final NatSession s = new NatSession(21, Protocol.UDP, IPv4Address.of("10.0.0.11"), 5000,
            IPv4Address.of("203.0.113.10"), 40000, Instant.EPOCH, new Dpid(1), MacAddress.of(9), OFPort.of(2));

    @Test
    void endpointIndependentPairAdmitsAnyRemote() {
        List<OFMessage> pair = flows.mapping(f, OFPort.of(1), s, 300, null);
        OFFlowAdd in = (OFFlowAdd) pair.get(0);
        OFFlowAdd out = (OFFlowAdd) pair.get(1);
        assertThat(in.getMatch().get(MatchField.IN_PORT)).isEqualTo(OFPort.of(1));
        assertThat(in.getMatch().get(MatchField.UDP_DST)).isEqualTo(TransportPort.of(40000));
        assertThat(in.getMatch().get(MatchField.IPV4_SRC)).isNull();
        assertThat(in.getIdleTimeout()).as("inbound lives as long as the outbound").isZero();
        assertThat(out.getMatch().get(MatchField.IPV4_DST)).isNull();
        assertThat(out.getIdleTimeout()).isEqualTo(300);
        assertThat(out.getFlags()).contains(OFFlowModFlags.SEND_FLOW_REM);
        assertThat(NatCookies.sessionId(in.getCookie())).isEqualTo(21);
        assertThat(NatCookies.isOutbound(out.getCookie())).isTrue();
        assertThat(NatCookies.isOutbound(in.getCookie())).isFalse();
        assertThat(NatFlows.remoteOf(out.getMatch())).isNull();
    }

    @Test
    void addressAndPortDependentPairAdmitsOnlyThatRemote() {
        Remote remote = Remote.of(Filtering.ADDRESS_AND_PORT_DEPENDENT, IPv4Address.of("198.51.100.10"), 53);
        List<OFMessage> pair = flows.mapping(f, OFPort.of(1), s, 300, remote);
        OFFlowAdd in = (OFFlowAdd) pair.get(0);
        OFFlowAdd out = (OFFlowAdd) pair.get(1);
        assertThat(in.getMatch().get(MatchField.IPV4_SRC)).isEqualTo(IPv4Address.of("198.51.100.10"));
        assertThat(in.getMatch().get(MatchField.UDP_SRC)).isEqualTo(TransportPort.of(53));
        assertThat(out.getMatch().get(MatchField.IPV4_DST)).isEqualTo(IPv4Address.of("198.51.100.10"));
        assertThat(NatFlows.remoteOf(out.getMatch())).isEqualTo(remote);
        Remote addressOnly = Remote.of(Filtering.ADDRESS_DEPENDENT, IPv4Address.of("198.51.100.10"), 53);
        OFFlowAdd in2 = (OFFlowAdd) flows.mapping(f, OFPort.of(1), s, 300, addressOnly).get(0);
        assertThat(in2.getMatch().get(MatchField.UDP_SRC)).isNull();
        assertThat(flows.deleteRemote(f, OFPort.of(1), s, remote).getMatch()).isEqualTo(in.getMatch());
    }

    private static OFPort output(OFFlowAdd flow) {
        return flow.getInstructions().stream()
                .filter(i -> i instanceof org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions)
                .flatMap(i -> ((org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions) i)
                        .getActions().stream())
                .filter(a -> a instanceof org.projectfloodlight.openflow.protocol.action.OFActionOutput)
                .map(a -> ((org.projectfloodlight.openflow.protocol.action.OFActionOutput) a).getPort())
                .findFirst().orElse(null);
    }

    @Test
    void aHostReachingItsOwnMappingGetsItsPacketsBackThroughTheIngressPort() {
        NatSession second = new NatSession(22, Protocol.UDP, IPv4Address.of("10.0.0.11"), 5001,
                IPv4Address.of("203.0.113.10"), 40001, Instant.EPOCH, new Dpid(1), MacAddress.of(9), OFPort.of(2));
        List<OFMessage> self = flows.hairpin(f, second, s, 30);
        assertThat(self).extracting(m -> output((OFFlowAdd) m)).containsOnly(OFPort.IN_PORT);
        NatSession other = new NatSession(23, Protocol.UDP, IPv4Address.of("10.0.0.12"), 5000,
                IPv4Address.of("203.0.113.10"), 40002, Instant.EPOCH, new Dpid(1), MacAddress.of(10), OFPort.of(3));
        List<OFMessage> pair = flows.hairpin(f, other, s, 30);
        assertThat(output((OFFlowAdd) pair.get(0))).as("towards s, behind port 2").isEqualTo(OFPort.of(2));
        assertThat(output((OFFlowAdd) pair.get(1))).as("back towards other, behind port 3").isEqualTo(OFPort.of(3));
    }

    @Test
    void aClosingMappingWatchesForTheSynOfANewConnection() {
        NatSession tcp = new NatSession(24, Protocol.TCP, IPv4Address.of("10.0.0.11"), 41000,
                IPv4Address.of("203.0.113.10"), 40003, Instant.EPOCH, new Dpid(1), MacAddress.of(9), OFPort.of(2));
        OFFlowAdd watch = flows.reopenWatch(f, tcp, 240);
        assertThat(watch.getPriority()).isEqualTo(Pipeline.Band.NAT_TCP_REOPEN.priority());
        assertThat(watch.getMatch().get(MatchField.IPV4_SRC)).isEqualTo(IPv4Address.of("10.0.0.11"));
        assertThat(watch.getMatch().get(MatchField.TCP_SRC)).isEqualTo(TransportPort.of(41000));
        assertThat(watch.getMatch().getMasked(MatchField.OVS_TCP_FLAGS).getMask().getRaw() & 0xffff).isEqualTo(0x12);
        assertThat(watch.getMatch().getMasked(MatchField.OVS_TCP_FLAGS).getValue().getRaw() & 0xffff).isEqualTo(0x02);
        assertThat(watch.getIdleTimeout()).isEqualTo(240);
        assertThat(output(watch)).isEqualTo(OFPort.CONTROLLER);
        assertThat(NatCookies.isMapping(watch.getCookie())).as("never read back as a mapping").isFalse();
        assertThat(((org.projectfloodlight.openflow.protocol.OFFlowDeleteStrict) flows.deleteReopenWatch(f, tcp))
                .getMatch()).isEqualTo(watch.getMatch());
    }

    private List<OFFlowAdd> staticFlows(NatConfig config) {
        Border b = new Border(new Dpid(1), f, OFPort.of(1), List.of(IPv4Address.of("203.0.113.10")));
        return new NatFlows(config).staticFlows(b).stream().map(m -> (OFFlowAdd) m).toList();
    }

    @Test
    void unmappedSynAcksFromInsideAreDroppedAboveTheFirstPacketFlows() {
        List<OFFlowAdd> all = staticFlows(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10"));
        OFFlowAdd stray = all.stream().filter(a -> a.getPriority() == Pipeline.Band.NAT_STRAY_SYN_ACK.priority()).findFirst()
                .orElseThrow();
        assertThat(stray.getInstructions()).as("drop").isEmpty();
        assertThat(stray.getMatch().getMasked(MatchField.OVS_TCP_FLAGS).getValue().getValue()).isEqualTo(0x12);
        assertThat(stray.getMatch().getMasked(MatchField.OVS_TCP_FLAGS).getMask().getValue()).isEqualTo(0x12);
        assertThat(Pipeline.Band.NAT_STRAY_SYN_ACK.priority()).isGreaterThan(Pipeline.Band.NAT_HOST_PUNT.priority()).isGreaterThan(Pipeline.Band.NAT_FIRST_PACKET.priority())
                .isLessThan(Pipeline.Band.NAT_MAPPING.priority());
        assertThat(all).as("FIN/RST copies on the controller datapath")
                .anyMatch(a -> a.getCookie().equals(NatCookies.TCP_CLOSE));
    }

    @Test
    void theConntrackDatapathHasNoFinCopiesAndNoStraySynAckFlow() {
        List<OFFlowAdd> all = staticFlows(NatTestConfigs.config(1024, 65535, 100, "203.0.113.10")
                .withDatapath(NatDatapath.CONNTRACK));
        assertThat(all).noneMatch(a -> a.getCookie().equals(NatCookies.TCP_CLOSE))
                .noneMatch(a -> a.getPriority() == Pipeline.Band.NAT_STRAY_SYN_ACK.priority());
    }
}
