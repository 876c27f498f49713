package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.core.OpenFlowSettings;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFAuxId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

/**
 * A switch on the far side of an {@link EmbeddedChannel} running the real pipeline: it writes wire bytes
 * in and decodes what the controller writes out.
 */
final class FakeSwitch {

    final EmbeddedChannel channel;
    final OFFactory factory;

    FakeSwitch(OpenFlowController controller, OFVersion version) {
        this.factory = OFFactories.getFactory(version);
        this.channel = new EmbeddedChannel(new OpenFlowMessageDecoder(controller.metrics()),
                OpenFlowMessageEncoder.INSTANCE, new SwitchChannelHandler(controller,
                controller.settings().handshakeTimeout()));
    }

    /**
     * A controller for channel tests: loopback, no listener bound, 3 s handshake, 5 s echo interval, 2 s
     * request timeout, {@code packetInThreads} workers (0: packet-ins on the I/O thread) with queues of 100.
     */
    static OpenFlowController controller(int packetInThreads) {
        return new OpenFlowController(new OpenFlowSettings("127.0.0.1", 0, Duration.ofSeconds(3),
                Duration.ofSeconds(5), Duration.ofSeconds(2), packetInThreads, 100, 100));
    }

    /** A switch taken through the handshake to ACTIVE, with what the controller wrote meanwhile drained. */
    static FakeSwitch active(OpenFlowController controller, OFVersion version, long dpid) {
        FakeSwitch sw = new FakeSwitch(controller, version);
        sw.handshake(dpid);
        sw.drain();
        return sw;
    }

    /** A minimal IPv4 frame whose bytes 18-21 (identification, flags) carry {@code n}, to tell frames apart. */
    static byte[] ipv4Frame(int n) {
        return ByteBuffer.allocate(60).put(new byte[] {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2}).putShort((short) 0x0800)
                .put((byte) 0x45).put((byte) 0).putShort((short) 46).putInt(n).array();
    }

    /** Sends a table-miss packet-in (no buffer) of this frame, in on port 1. */
    void packetIn(byte[] data) {
        send(factory.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(data.length)
                .setReason(OFPacketInReason.NO_MATCH).setTableId(TableId.ZERO).setCookie(U64.ZERO)
                .setMatch(factory.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(1)).build())
                .setData(data).build());
    }

    /** Sends a message as wire bytes. */
    void send(OFMessage m) {
        ByteBuf buf = Unpooled.buffer();
        m.writeTo(buf);
        channel.writeInbound(buf);
    }

    void sendBytes(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /** Everything the controller has written so far, decoded. */
    List<OFMessage> drain() {
        List<OFMessage> out = new ArrayList<>();
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ByteBuf buf = (ByteBuf) o;
            try {
                while (buf.isReadable()) {
                    out.add(OFFactories.getGenericReader().readFrom(buf));
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                buf.release();
            }
        }
        return out;
    }

    /** The single next message the controller wrote, which must be of this type. */
    OFMessage expect(OFType type) {
        List<OFMessage> out = drain();
        assertThat(out).extracting(OFMessage::getType).containsExactly(type);
        return out.get(0);
    }

    static List<OFPortDesc> ports(OFFactory f, int... numbers) {
        List<OFPortDesc> ports = new ArrayList<>();
        for (int n : numbers) {
            ports.add(f.buildPortDesc().setPortNo(OFPort.of(n)).setName("s1-eth" + n)
                    .setHwAddr(MacAddress.of(0x020000000000L + n)).setConfig(Set.of()).setState(Set.of()).build());
        }
        return ports;
    }

    /** Runs the handshake to ACTIVE for a switch with this dpid and ports 1 and 2. */
    void handshake(long dpid) {
        List<OFMessage> hello = drain();
        assertThat(hello).extracting(OFMessage::getType).containsExactly(OFType.HELLO);
        if (factory.getVersion() == OFVersion.OF_10) {
            send(factory.buildHello().setXid(1).build());
        } else {
            long bitmap = 1L << factory.getVersion().getWireVersion();
            send(factory.buildHello().setXid(1)
                    .setElements(List.of(factory.helloElemVersionbitmap(List.of(U32.of(bitmap))))).build());
        }
        OFMessage req = expect(OFType.FEATURES_REQUEST);
        var features = factory.buildFeaturesReply().setXid(req.getXid()).setDatapathId(DatapathId.of(dpid))
                .setNBuffers(0).setNTables((short) 254).setCapabilities(Set.of(OFCapabilities.FLOW_STATS));
        if (factory.getVersion() == OFVersion.OF_10) {
            features.setPorts(ports(factory, 1, 2)).setActions(Set.of());
        } else {
            features.setAuxiliaryId(OFAuxId.MAIN);
        }
        send(features.build());
        if (factory.getVersion() != OFVersion.OF_10) {
            OFMessage portReq = expect(OFType.STATS_REQUEST);
            send(factory.buildPortDescStatsReply().setXid(portReq.getXid()).setEntries(ports(factory, 1, 2))
                    .build());
        }
        List<OFMessage> config = drain();
        OFMessage barrier = config.get(config.size() - 1);
        assertThat(barrier.getType()).isEqualTo(OFType.BARRIER_REQUEST);
        send(factory.buildBarrierReply().setXid(barrier.getXid()).build());
    }
}
