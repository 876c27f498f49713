package org.natflow.controller.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.natflow.controller.core.OpenFlowController;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFAuxId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.U32;

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
