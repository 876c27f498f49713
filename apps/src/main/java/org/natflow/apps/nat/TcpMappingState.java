package org.natflow.apps.nat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.natflow.apps.border.Border;
import org.natflow.apps.ports.Protocol;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.packet.Ipv4Packet;
import org.natflow.controller.packet.TcpSegment;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which timeout a TCP mapping lives by (RFC 5382 REQ-5), from the copies of TCP segments the switch sends: a FIN
 * or RST moves the mapping to the transitory timeout (its outbound flow re-added with that idle timeout); while
 * it is there, a SYN from its inside endpoint (a new connection on the same endpoint-independent mapping)
 * moves it back to the established one. Memory and flow-mods only: runs on the packet-in path.
 */
final class TcpMappingState {

    private static final Logger log = LoggerFactory.getLogger(TcpMappingState.class);

    private final NatConfig config;
    private final MappingTable table;
    private final Mappings mappings;
    private final FlowService flows;
    private final NatFlows natFlows;

    TcpMappingState(NatConfig config, MappingTable table, Mappings mappings, FlowService flows, NatFlows natFlows) {
        this.config = config;
        this.table = table;
        this.mappings = mappings;
        this.flows = flows;
        this.natFlows = natFlows;
    }

    private static int seconds(java.time.Duration d) {
        return (int) Math.min(65535, d.toSeconds());
    }

    /**
     * A copy of a TCP segment that may change a mapping's timeout: a FIN or RST moves it to the transitory
     * timeout, a SYN of a new connection on a closing mapping back to the established one.
     */
    void onCopy(Border b, PacketContext ctx) {
        Ipv4Packet ip = ctx.frame().ipv4();
        if (ip == null || !(ip.transport() instanceof TcpSegment tcp)) {
            return;
        }
        if ((tcp.flags() & (TcpSegment.FIN | TcpSegment.RST)) == 0) {
            if ((tcp.flags() & (TcpSegment.SYN | TcpSegment.ACK)) == TcpSegment.SYN && !ctx.inPort().equals(b.uplink())) {
                reopening(b, ip, tcp);
            }
            return;
        }
        closing(b, ctx, ip, tcp);
    }

    /**
     * A new connection on a closing mapping (endpoint-independent mapping lets one inside endpoint open another
     * connection while an earlier one closes): the mapping is established again, so an idle connection on it is
     * not cut after the transitory timeout (RFC 5382 REQ-5 applies that timeout once every connection closed).
     */
    private void reopening(Border b, Ipv4Packet ip, TcpSegment tcp) {
        table.byInside(Protocol.TCP, ip.src(), tcp.srcPort()).filter(x -> mappings.reopened(x.id())).ifPresent(x -> {
            int idle = seconds(config.timeouts().tcpEstablished());
            flows.apply(b.dpid(), List.of(natFlows.mapping(b.factory(), b.uplink(), x, idle, null).get(1),
                    natFlows.deleteReopenWatch(b.factory(), x)));
            log.debug("event=nat-tcp-reopened id={}", x.id());
        });
    }

    /** A FIN or RST passed: the mapping moves to the transitory timeout by re-adding its outbound flow. */
    private void closing(Border b, PacketContext ctx, Ipv4Packet ip, TcpSegment tcp) {
        boolean fromUplink = ctx.inPort().equals(b.uplink());
        Optional<NatSession> s = fromUplink ? table.byPublic(Protocol.TCP, ip.dst(), tcp.dstPort())
                : table.byInside(Protocol.TCP, ip.src(), tcp.srcPort());
        Remote remote = fromUplink ? Remote.of(config.filtering(), ip.src(), tcp.srcPort())
                : Remote.of(config.filtering(), ip.dst(), tcp.dstPort());
        s.filter(x -> remote != null || mappings.closing(x.id())).ifPresent(x -> {
            int idle = seconds(config.timeouts().tcpTransitory());
            List<OFMessage> mods = new ArrayList<>();
            mods.add(natFlows.mapping(b.factory(), b.uplink(), x, idle, remote).get(1));
            if (remote == null) {
                mods.add(natFlows.reopenWatch(b.factory(), x, idle));
            }
            flows.apply(b.dpid(), mods);
            log.debug("event=nat-tcp-closing id={} flags={}", x.id(), tcp.flags());
        });
    }
}
