package org.natflow.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.natflow.controller.packet.ArpPacket;
import org.natflow.controller.packet.Checksums;
import org.natflow.controller.packet.EthernetFrame;
import org.natflow.controller.packet.Frames;
import org.natflow.controller.packet.PacketParser;
import org.natflow.controller.packet.TcpSegment;
import org.projectfloodlight.openflow.protocol.OFCapabilities;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFlowStatsRequest;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPacketInReason;
import org.projectfloodlight.openflow.protocol.OFPacketOut;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsRequest;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.protocol.action.OFAction;
import org.projectfloodlight.openflow.protocol.action.OFActionOutput;
import org.projectfloodlight.openflow.protocol.match.MatchField;
import org.projectfloodlight.openflow.types.DatapathId;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.projectfloodlight.openflow.types.OFAuxId;
import org.projectfloodlight.openflow.types.OFBufferId;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U32;
import org.projectfloodlight.openflow.types.U64;

/**
 * One emulated NAT border switch (OpenFlow 1.3): port 1 is the uplink {@code s1-eth1}, port 2 the inside. It
 * answers the handshake, barriers, echoes and the gateway's ARP for the upstream router, and turns the
 * packet-out that re-injects a translated first packet into a completed set-up.
 */
final class EmulatedSwitch extends SimpleChannelInboundHandler<OFMessage> {

    static final MacAddress GATEWAY_MAC = MacAddress.of("02:6e:66:00:00:01");

    private final OFFactory f = OFFactories.getFactory(OFVersion.OF_13);
    private final int index;
    private final LongConsumer completed;
    private final Map<Long, Long> sent = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong();
    final AtomicLong flowMods = new AtomicLong();
    volatile boolean ready;
    private ChannelHandlerContext ctx;

    EmulatedSwitch(int index, LongConsumer completed) {
        this.index = index;
        this.completed = completed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.writeAndFlush(f.buildHello().setElements(List.of(f.helloElemVersionbitmap(List.of(U32.of(1 << 4)))))
                .build());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, OFMessage m) {
        switch (m.getType()) {
            case FEATURES_REQUEST -> ctx.writeAndFlush(f.buildFeaturesReply().setXid(m.getXid())
                    .setDatapathId(DatapathId.of(index + 1)).setNTables((short) 254).setAuxiliaryId(OFAuxId.MAIN)
                    .setCapabilities(Set.of(OFCapabilities.FLOW_STATS)).build());
            case STATS_REQUEST -> {
                if (m instanceof OFPortDescStatsRequest) {
                    ctx.writeAndFlush(f.buildPortDescStatsReply().setXid(m.getXid()).setEntries(List.of(
                            port(1, "s1-eth1"), port(2, "s1-eth2"))).build());
                } else if (m instanceof OFFlowStatsRequest) {
                    ctx.writeAndFlush(f.buildFlowStatsReply().setXid(m.getXid()).setEntries(List.of()).build());
                }
            }
            case BARRIER_REQUEST -> ctx.write(f.buildBarrierReply().setXid(m.getXid()).build(), ctx.voidPromise());
            case ECHO_REQUEST -> ctx.writeAndFlush(f.buildEchoReply().setXid(m.getXid()).setData(new byte[0]).build());
            case FLOW_MOD -> flowMods.incrementAndGet();
            case PACKET_OUT -> packetOut((OFPacketOut) m);
            default -> { }
        }
    }

    /**
     * Replies and new packet-ins written while reading go out in one flush when the read ends, as a switch's
     * connection would batch them: the emulator's own system calls stay out of the controller's figures.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    private org.projectfloodlight.openflow.protocol.OFPortDesc port(int n, String name) {
        return f.buildPortDesc().setPortNo(OFPort.of(n)).setName(name).setHwAddr(MacAddress.of(0x020000000000L + n))
                .setConfig(Set.of()).setState(Set.of()).build();
    }

    private void packetOut(OFPacketOut po) {
        EthernetFrame frame = PacketParser.parse(po.getData());
        if (frame == null) {
            return;
        }
        ArpPacket arp = frame.arp();
        if (arp != null && arp.opcode() == ArpPacket.REQUEST) {
            // Every neighbour on the uplink answers: MAC derived from its address.
            MacAddress mac = MacAddress.of(0x0a0000000000L | Integer.toUnsignedLong(arp.targetIp().getInt()));
            byte[] reply = Frames.arp(ArpPacket.REPLY, arp.senderMac(), mac, arp.targetIp(), arp.senderMac(),
                    arp.senderIp());
            packetIn(1, reply);
            ready = true;
            return;
        }
        boolean toTable = false;
        for (OFAction a : po.getActions()) {
            toTable |= a instanceof OFActionOutput o && o.getPort().equals(OFPort.TABLE);
        }
        if (toTable && frame.ipv4() != null && frame.ipv4().transport() instanceof TcpSegment tcp) {
            Long t0 = sent.remove(key(frame.ipv4().src(), tcp.srcPort()));
            if (t0 != null) {
                completed.accept(System.nanoTime() - t0);
            }
        }
    }

    private static long key(IPv4Address src, int port) {
        return (Integer.toUnsignedLong(src.getInt()) << 16) | port;
    }

    private void packetIn(int inPort, byte[] data) {
        ctx.write(f.buildPacketIn().setBufferId(OFBufferId.NO_BUFFER).setTotalLen(data.length)
                .setReason(OFPacketInReason.NO_MATCH).setTableId(TableId.of(1)).setCookie(U64.ZERO)
                .setMatch(f.buildMatch().setExact(MatchField.IN_PORT, OFPort.of(inPort)).build()).setData(data)
                .build(), ctx.voidPromise());
    }

    /** Starts {@code count} set-ups at once, on the connection's own thread, in one flush. */
    void start(int count) {
        ctx.executor().execute(() -> {
            for (int i = 0; i < count; i++) {
                newFlow();
            }
            ctx.flush();
        });
    }

    /** Sends the first packet (a TCP SYN) of a new flow with a 5-tuple never used before on this switch. */
    void newFlow() {
        long n = next.getAndIncrement();
        int host = (int) (n / 1000);
        int port = 1024 + (int) (n % 1000);
        IPv4Address src = IPv4Address.of((10 << 24) | ((index & 0xff) << 16) | (host & 0xffff));
        sent.put(key(src, port), System.nanoTime());
        packetIn(2, syn(src, port));
    }

    private static byte[] syn(IPv4Address src, int port) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20);
        b.put(GATEWAY_MAC.getBytes()).put(new byte[] {2, 0, (byte) (src.getInt() >> 24), (byte) (src.getInt() >> 16),
                (byte) (src.getInt() >> 8), (byte) src.getInt()}).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 40).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(src.getInt())
                .putInt(IPv4Address.of("198.51.100.10").getInt());
        b.putShort((short) port).putShort((short) 80).putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x02)
                .putShort((short) 64240).putInt(0);
        byte[] a = b.array();
        int sum = Checksums.ones(a, 14, 20);
        a[24] = (byte) (sum >> 8);
        a[25] = (byte) sum;
        return a;
    }

    int outstanding() {
        return sent.size();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        System.err.println("switch " + index + ": " + cause);
        ctx.close();
    }
}
