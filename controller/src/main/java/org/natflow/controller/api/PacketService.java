package org.natflow.controller.api;

import java.util.List;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.OFPort;

/** Packet-in subscription and packet-out. */
public interface PacketService {

    /**
     * Adds a packet-in listener; lower {@code priority} values see packets first. Listeners with equal
     * priority run in the order they were added.
     */
    void addListener(int priority, PacketListener listener);

    void removeListener(PacketListener listener);

    /**
     * Sends a packet out of the switch: the data is carried in the message (no switch buffer).
     *
     * @param inPort  the port the packet is considered to have come in on ({@link OFPort#CONTROLLER} if none)
     * @param actions actions applied to it, typically an output
     * @param data    the whole Ethernet frame
     * @throws SwitchNotConnectedException if the switch is not connected
     */
    void packetOut(Dpid dpid, OFPort inPort, List<OFAction> actions, byte[] data);
}
