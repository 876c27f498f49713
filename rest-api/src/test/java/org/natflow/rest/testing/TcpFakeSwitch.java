package org.natflow.rest.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsEntry;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFAuxId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

/**
 * A minimal OpenFlow 1.3 switch over a real TCP socket: completes the handshake, answers echoes, barriers
 * and flow-stats requests (with one entry per flow-mod it has received), and can send raw bytes.
 */
public final class TcpFakeSwitch implements AutoCloseable {

    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final long dpid;
    private final List<OFMessage> received = new CopyOnWriteArrayList<>();
    private final Thread reader;

    public TcpFakeSwitch(InetSocketAddress controller, long dpid) throws IOException {
        this.dpid = dpid;
        this.socket = new Socket(controller.getAddress(), controller.getPort());
        this.socket.setSoTimeout(30_000);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.reader = new Thread(this::serve, "fake-switch-" + dpid);
        this.reader.setDaemon(true);
        this.reader.start();
    }

    public List<OFMessage> received() {
        return received;
    }

    private OFMessage read() throws IOException {
        byte[] header = new byte[8];
        in.readFully(header);
        int length = ((header[2] & 0xff) << 8) | (header[3] & 0xff);
        byte[] all = new byte[length];
        System.arraycopy(header, 0, all, 0, 8);
        in.readFully(all, 8, length - 8);
        try {
            return OFFactories.getGenericReader().readFrom(Unpooled.wrappedBuffer(all));
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    public synchronized void send(OFMessage m) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        m.writeTo(buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        out.write(bytes);
        out.flush();
    }

    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    private void serve() {
        try {
            while (!socket.isClosed()) {
                OFMessage m = read();
                received.add(m);
                switch (m.getType()) {
                    case HELLO -> send(f.buildHello().setXid(m.getXid()).setElements(List.of(
                            f.helloElemVersionbitmap(List.of(U32.of(1 << 4))))).build());
                    case FEATURES_REQUEST -> send(f.buildFeaturesReply().setXid(m.getXid())
                            .setDatapathId(DatapathId.of(dpid)).setNTables((short) 1).setAuxiliaryId(OFAuxId.MAIN)
                            .setCapabilities(Set.of(OFCapabilities.FLOW_STATS)).build());
                    case STATS_REQUEST -> answerStats(m);
                    case BARRIER_REQUEST -> send(f.buildBarrierReply().setXid(m.getXid()).build());
                    case ECHO_REQUEST -> send(f.buildEchoReply().setXid(m.getXid()).setData(new byte[0]).build());
                    default -> { }
                }
            }
        } catch (IOException e) {
            // closed by either side
        }
    }

    private void answerStats(OFMessage m) throws IOException {
        if (m instanceof OFFlowStatsRequest) {
            List<OFFlowStatsEntry> entries = received.stream()
                    .filter(r -> r instanceof org.projectfloodlight.openflow.protocol.OFFlowAdd)
                    .map(r -> (org.projectfloodlight.openflow.protocol.OFFlowAdd) r)
                    .map(a -> f.buildFlowStatsEntry().setTableId(TableId.ZERO).setPriority(a.getPriority())
                            .setCookie(a.getCookie()).setMatch(a.getMatch()).setInstructions(a.getInstructions())
                            .setPacketCount(U64.of(3)).setByteCount(U64.of(180)).build())
                    .toList();
            send(f.buildFlowStatsReply().setXid(m.getXid()).setEntries(entries).build());
        } else {
            OFPortDesc port = f.buildPortDesc().setPortNo(OFPort.of(1)).setName("fake-eth1")
                    .setHwAddr(MacAddress.of(dpid)).setConfig(Set.of()).setState(Set.of()).build();
            send(f.buildPortDescStatsReply().setXid(m.getXid()).setEntries(List.of(port)).build());
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public boolean isClosedByPeer() {
        return !reader.isAlive();
    }
}
