package org.natflow.apps.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /** Packet-outs in order; safe to read while a scheduler thread sends probes. */
    public final List<PacketOut> sent = new CopyOnWriteArrayList<>();

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
