package org.natflow.apps.border;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.natflow.apps.AppCookies;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowService;
import org.natflow.controller.api.PacketContext;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.natflow.controller.packet.ArpPacket;
import org.natflow.controller.packet.Frames;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFPort;

/**
 * The gateway's ARP duties on borders: it answers for the gateway address inside and for the border's pool
 * addresses (and the {@link HostAddresses} it serves) on the uplink, learns inside hosts and uplink neighbours from their ARP, and leaves in the switch,
 * per requester, a flow that answers that requester's next requests (so neighbours keep their entries while
 * the controller is away). ARP between inside hosts is left to the L2 app or the fabric.
 */
public final class GatewayArp implements BorderApp, PacketListener {

    private final GatewayConfig gateway;
    private final FlowService flows;
    private final PacketService packets;
    private final InsideHosts hosts;
    private final Routes routes;
    private final Function<Dpid, Border> borders;
    private final Set<List<Object>> responders = ConcurrentHashMap.newKeySet();
    private final HostAddresses hostAddresses;

    GatewayArp(GatewayConfig gateway, FlowService flows, PacketService packets, InsideHosts hosts, Routes routes,
               Function<Dpid, Border> borders, HostAddresses hostAddresses) {
        this.hostAddresses = hostAddresses;
        this.gateway = gateway;
        this.flows = flows;
        this.packets = packets;
        this.hosts = hosts;
        this.routes = routes;
        this.borders = borders;
    }

    @Override
    public int cookieApp() {
        return AppCookies.BORDER;
    }

    @Override
    public void borderDown(Border b) {
        responders.removeIf(k -> k.get(0).equals(b.dpid()));
    }

    @Override
    public boolean onPacket(PacketContext ctx) {
        ArpPacket arp = ctx.frame().arp();
        Border b = arp == null ? null : borders.apply(ctx.dpid());
        if (b == null) {
            return false;
        }
        if (ctx.inPort().equals(b.uplink())) {
            uplink(b, arp);
            return true; // nothing from the uplink is ever switched inside by L2
        }
        if (gateway.isInside(arp.senderIp())) {
            hosts.learn(arp.senderIp(), new HostLocation(arp.senderMac(), hosts.hostPort(b, ctx.inPort())));
            // It may hold an entry for the gateway (it asked, or we asked it): answer refreshes in the switch.
            respond(b, null, arp.senderIp(), arp.senderMac(), gateway.gatewayAddress(), gateway.insideMac());
        }
        if (arp.opcode() == ArpPacket.REPLY && arp.targetIp().equals(gateway.gatewayAddress())) {
            return true;
        }
        if (arp.opcode() == ArpPacket.REQUEST && arp.targetIp().equals(gateway.gatewayAddress())) {
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(ctx.inPort(), 0)),
                    Frames.arpReply(arp, gateway.insideMac()));
            return true;
        }
        return false;
    }

    private void uplink(Border b, ArpPacket arp) {
        if (gateway.publicNetwork().contains(arp.senderIp()) && !gateway.isPublic(arp.senderIp())) {
            routes.learn(b.dpid(), arp.senderIp(), arp.senderMac());
            // Our own requests come from the first pool address: the neighbour now holds an entry for it.
            respond(b, b.uplink(), arp.senderIp(), arp.senderMac(), b.uplinkAddress(), gateway.outsideMac());
        }
        if (arp.opcode() == ArpPacket.REQUEST && (b.owns(arp.targetIp())
                || hostAddresses.servedBy(b, arp.targetIp()))) {
            packets.packetOut(b.dpid(), OFPort.CONTROLLER, List.of(b.factory().actions().output(b.uplink(), 0)),
                    Frames.arpReply(arp, gateway.outsideMac()));
            respond(b, b.uplink(), arp.senderIp(), arp.senderMac(), arp.targetIp(), gateway.outsideMac());
        }
    }

    /**
     * Stops answering for an address a border no longer serves (a static NAT that was deleted or moved): the
     * switch's responder flows for it go.
     */
    public void stopAnswering(Border b, IPv4Address target) {
        responders.removeIf(k -> k.get(0).equals(b.dpid()) && k.get(3).equals(target));
        flows.apply(b.dpid(), List.of(BorderFlows.deleteArpResponders(b.factory(), target)));
    }

    /** Installs, once per requester and address, a flow that answers the requester's ARP requests in the switch. */
    private void respond(Border b, OFPort inPort, IPv4Address requester, MacAddress requesterMac,
                         IPv4Address target, MacAddress mac) {
        if (responders.add(List.of(b.dpid(), requester, requesterMac, target))) {
            flows.apply(b.dpid(), List.of(BorderFlows.arpResponder(b.factory(), inPort, requester, requesterMac,
                    target, mac)));
        }
    }
}
