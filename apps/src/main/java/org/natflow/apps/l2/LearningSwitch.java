package org.natflow.apps.l2;

import java.util.List;
import org.natflow.apps.AppCookies;
import org.natflow.apps.Pipeline;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowMods;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.api.SwitchEvent;
import org.natflow.controller.api.SwitchListener;
import org.natflow.controller.api.SwitchService;
import org.natflow.controller.packet.EthernetFrame;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.OFPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An L2 learning switch: learns source MACs from packet-ins; for a known destination installs a flow
 * (in port, source, destination &rarr; output) and sends the packet there, otherwise floods the packet.
 * Flows idle out, so moved hosts are relearned. LLDP is never flooded.
 */
public final class LearningSwitch implements PacketListener, SwitchListener {

    /** Packet-listener priority: after the gateway and NAT apps, which see packets first. */
    public static final int PRIORITY = Pipeline.Listener.L2.priority();
    /** Priority of learned flows: below NAT and gateway flows, above the table-miss entry. */
    public static final int FLOW_PRIORITY = Pipeline.Band.L2_LEARNED.priority();

    private static final Logger log = LoggerFactory.getLogger(LearningSwitch.class);

    private final FlowService flows;
    private final PacketService packets;
    private final SwitchService switches;
    private final FloodPolicy floodPolicy;
    private final MacTable macs = new MacTable();
    private final int idleTimeout;

    /**
     * @param idleTimeout seconds a learned flow stays without traffic
     * @param floodPolicy which ports floods may use
     */
    public LearningSwitch(FlowService flows, PacketService packets, SwitchService switches, int idleTimeout,
                          FloodPolicy floodPolicy) {
        this.flows = flows;
        this.packets = packets;
        this.switches = switches;
        this.idleTimeout = idleTimeout;
        this.floodPolicy = floodPolicy;
    }

    public MacTable macTable() {
        return macs;
    }

    @Override
    public boolean onPacket(PacketContext ctx) {
        EthernetFrame frame = ctx.frame();
        if (frame.etherType() == EthernetFrame.TYPE_LLDP || frame.src().isMulticast()) {
            return false;
        }
        Dpid dpid = ctx.dpid();
        macs.learn(dpid, frame.src(), ctx.inPort()).ifPresent(old ->
                log.info("event=host-moved dpid={} mac={} from={} to={}", dpid, frame.src(), old, ctx.inPort()));
        OFFactory f = ctx.factory();
        OFPort out = frame.dst().isMulticast() ? null : macs.lookup(dpid, frame.dst()).orElse(null);
        if (out == null) {
            flood(ctx);
            return true;
        }
        if (out.equals(ctx.inPort())) {
            return true; // would go back where it came from: drop
        }
        List<OFAction> actions = List.of(f.actions().output(out, 0));
        var add = f.buildFlowAdd().setPriority(FLOW_PRIORITY).setIdleTimeout(idleTimeout)
                .setCookie(AppCookies.cookie(AppCookies.L2, 0))
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, ctx.inPort())
                        .setExact(MatchField.ETH_SRC, frame.src()).setExact(MatchField.ETH_DST, frame.dst()).build());
        List<OFMessage> batch = List.of(FlowMods.withActions(f, add, actions).build());
        flows.apply(dpid, batch);
        // The flow serves later packets; this one goes out directly so nothing waits for the barrier.
        packets.packetOut(dpid, ctx.inPort(), actions, frame.bytes());
        return true;
    }

    private void flood(PacketContext ctx) {
        OFFactory f = ctx.factory();
        List<OFAction> outputs;
        if (floodPolicy == FloodPolicy.ALL) {
            outputs = List.of(f.actions().output(OFPort.FLOOD, 0));
        } else {
            outputs = switches.get(ctx.dpid()).map(sw -> sw.ports().stream()
                    .filter(p -> p.up() && !p.isLocal() && !p.ofPort().equals(ctx.inPort()))
                    .filter(p -> floodPolicy.mayFlood(ctx.dpid(), p))
                    .map(p -> (OFAction) f.actions().output(p.ofPort(), 0)).toList()).orElse(List.of());
        }
        if (!outputs.isEmpty()) {
            packets.packetOut(ctx.dpid(), ctx.inPort(), outputs, ctx.frame().bytes());
        }
    }

    @Override
    public void event(SwitchEvent event) {
        Dpid dpid = event.sw().dpid();
        switch (event.type()) {
            case DISCONNECTED -> macs.forgetSwitch(dpid);
            case PORT_REMOVED -> event.port().ifPresent(p -> macs.forgetPort(dpid, p.ofPort()));
            case PORT_MODIFIED -> event.port().filter(p -> !p.up()).ifPresent(p -> macs.forgetPort(dpid, p.ofPort()));
            default -> { }
        }
    }
}
