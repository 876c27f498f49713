package org.natflow.apps.nat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.natflow.apps.HostDelivery;
import org.natflow.apps.Pipeline;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.action.OFActionSetField;
import org.projectfloodlight.openflow.protocol.instruction.OFInstruction;
import org.projectfloodlight.openflow.protocol.instruction.OFInstructionApplyActions;
import org.projectfloodlight.openflow.protocol.match.Match;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.protocol.oxm.OFOxm;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IpProtocol;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TransportPort;

/**
 * Reads mappings back from a border switch's flow table: the cookie names the mapping and direction, the
 * match and set-field actions carry both endpoints, the inbound flow's actions the host's MAC and port. What
 * lets natflow pick up where it left off after a restart.
 */
final class MappingFlows {

    /** An outbound mapping flow, read back. */
    record Outbound(long id, Protocol protocol, IPv4Address insideAddress, int insidePort,
                    IPv4Address publicAddress, int publicPort, long ageSeconds, OFFlowStatsEntry entry) {
    }

    /** An inbound mapping flow (from the uplink), read back. */
    record Inbound(long id, MacAddress hostMac, OFPort hostPort) {
    }

    /** What one flow-table read found. */
    record Found(Map<Long, Outbound> outbound, Map<Long, Inbound> inbound, List<OFFlowStatsEntry> unreadable) {
    }

    private MappingFlows() {
    }

    static Found read(List<OFFlowStatsEntry> entries, OFPort uplink) {
        Map<Long, Outbound> out = new HashMap<>();
        Map<Long, Inbound> in = new HashMap<>();
        List<OFFlowStatsEntry> unreadable = new java.util.ArrayList<>();
        for (OFFlowStatsEntry e : entries) {
            if (!NatCookies.isMapping(e.getCookie())) {
                continue; // the gateway's own flows
            }
            long id = NatCookies.sessionId(e.getCookie());
            try {
                if (NatCookies.isOutbound(e.getCookie())) {
                    Outbound o = outbound(id, e);
                    if (o == null) {
                        unreadable.add(e);
                    } else {
                        out.putIfAbsent(id, o); // filtering modes keep one pair per remote; one is enough
                    }
                } else if (uplink.equals(e.getMatch().get(MatchField.IN_PORT))) {
                    Inbound i = inbound(id, e);
                    if (i == null) {
                        unreadable.add(e);
                    } else {
                        in.putIfAbsent(id, i);
                    }
                }
                // inbound-cookie flows not from the uplink are hairpin pairs: they live and die with the mapping
            } catch (RuntimeException ex) {
                unreadable.add(e);
            }
        }
        return new Found(out, in, unreadable);
    }

    private static List<OFAction> actions(OFFlowStatsEntry e) {
        for (OFInstruction i : e.getInstructions()) {
            if (i instanceof OFInstructionApplyActions a) {
                return a.getActions();
            }
        }
        return List.of();
    }

    private static boolean goesToFabric(OFFlowStatsEntry e) {
        for (OFInstruction i : e.getInstructions()) {
            if (i instanceof org.projectfloodlight.openflow.protocol.instruction.OFInstructionGotoTable g
                    && g.getTableId().equals(Pipeline.Table.FABRIC.id())) {
                return true;
            }
        }
        return false;
    }

    private static Outbound outbound(long id, OFFlowStatsEntry e) {
        Match m = e.getMatch();
        IpProtocol proto = m.get(MatchField.IP_PROTO);
        IPv4Address inside = m.get(MatchField.IPV4_SRC);
        if (proto == null || inside == null) {
            return null;
        }
        Protocol p = proto.equals(IpProtocol.TCP) ? Protocol.TCP : proto.equals(IpProtocol.UDP) ? Protocol.UDP : null;
        if (p == null) {
            return null;
        }
        TransportPort insidePort = m.get(p == Protocol.TCP ? MatchField.TCP_SRC : MatchField.UDP_SRC);
        IPv4Address pub = null;
        int pubPort = -1;
        for (OFAction a : actions(e)) {
            if (a instanceof OFActionSetField sf) {
                OFOxm<?> f = sf.getField();
                if (f.getMatchField().equals(MatchField.IPV4_SRC)) {
                    pub = (IPv4Address) f.getValue();
                } else if (f.getMatchField().equals(MatchField.TCP_SRC) || f.getMatchField().equals(MatchField.UDP_SRC)) {
                    pubPort = ((TransportPort) f.getValue()).getPort();
                }
            }
        }
        if (insidePort == null || pub == null || pubPort < 0) {
            return null;
        }
        return new Outbound(id, p, inside, insidePort.getPort(), pub, pubPort, e.getDurationSec(), e);
    }

    /** The delivery an inbound flow makes (host MAC and port), or null when it makes none. */
    static Inbound inbound(long id, OFFlowStatsEntry e) {
        MacAddress mac = null;
        OFPort port = null;
        for (OFAction a : actions(e)) {
            if (a instanceof OFActionSetField sf && sf.getField().getMatchField().equals(MatchField.ETH_DST)) {
                mac = (MacAddress) sf.getField().getValue();
            } else if (a instanceof OFActionOutput o) {
                port = o.getPort();
            }
        }
        if (port == null && goesToFabric(e)) {
            port = HostDelivery.ACROSS_FABRIC;
        }
        return mac == null || port == null ? null : new Inbound(id, mac, port);
    }
}
