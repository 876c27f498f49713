package org.natflow.apps.testing;

import java.util.ArrayList;
import java.util.List;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.PacketListener;
import org.natflow.controller.api.PacketService;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.types.OFPort;

/** An in-memory PacketService that records packet-outs. */
public final class RecordingPacketService implements PacketService {

    /** A recorded packet-out. */
    public record PacketOut(Dpid dpid, OFPort inPort, List<OFAction> actions, byte[] data) {
    }

    public final List<PacketOut> sent = new ArrayList<>();

    @Override
    public void addListener(int priority, PacketListener listener) {
    }

    @Override
    public void removeListener(PacketListener listener) {
    }

    @Override
    public synchronized void packetOut(Dpid dpid, OFPort inPort, List<OFAction> actions, byte[] data) {
        sent.add(new PacketOut(dpid, inPort, List.copyOf(actions), data));
    }
}
