package org.natflow.controller.channel;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.natflow.controller.api.Dpid;
import org.natflow.controller.api.FlowMods;
import org.natflow.controller.api.SwitchPort;
import org.natflow.controller.core.OpenFlowController;
import org.natflow.controller.core.SwitchSession;
import org.projectfloodlight.openflow.protocol.OFBarrierReply;
import org.projectfloodlight.openflow.protocol.OFEchoRequest;
import org.projectfloodlight.openflow.protocol.OFErrorMsg;
import org.projectfloodlight.openflow.protocol.OFFactories;
import org.projectfloodlight.openflow.protocol.OFFactory;
import org.projectfloodlight.openflow.protocol.OFFeaturesReply;
import org.projectfloodlight.openflow.protocol.OFHello;
import org.projectfloodlight.openflow.protocol.OFHelloFailedCode;
import org.projectfloodlight.openflow.protocol.OFMessage;
import org.projectfloodlight.openflow.protocol.OFPortDesc;
import org.projectfloodlight.openflow.protocol.OFPortDescStatsReply;
import org.projectfloodlight.openflow.protocol.OFPortStatus;
import org.projectfloodlight.openflow.protocol.OFStatsReplyFlags;
import org.projectfloodlight.openflow.protocol.OFType;
import org.projectfloodlight.openflow.protocol.OFVersion;
import org.projectfloodlight.openflow.types.OFPort;
import org.projectfloodlight.openflow.types.TableId;
import org.projectfloodlight.openflow.types.U64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One switch connection: the handshake as explicit states, then message routing to the core, plus echo
 * keepalive in both directions. The handshake is
 * hello &rarr; features &rarr; port description (1.3+) &rarr; set-config and table-miss flow (1.3+) &rarr;
 * barrier &rarr; active. It must complete within the handshake timeout.
 */
public final class SwitchChannelHandler extends SimpleChannelInboundHandler<OFMessage> {

    /** Cookie of the table-miss flow the core installs; the top 16 bits name the owner (1: core). */
    public static final U64 TABLE_MISS_COOKIE = U64.of(0x0001_0000_0000_0000L);
    /** Send the whole packet to the controller (OFPCML_NO_BUFFER). */
    public static final int MISS_SEND_LEN = 0xffff;

    private static final Logger log = LoggerFactory.getLogger(SwitchChannelHandler.class);

    /** Handshake states; ACTIVE once the switch is registered. */
    enum State { WAIT_HELLO, WAIT_FEATURES_REPLY, WAIT_PORT_DESC, WAIT_CONFIG_BARRIER, ACTIVE, CLOSED }

    private final OpenFlowController controller;
    private final Duration handshakeTimeout;
    private State state = State.WAIT_HELLO;
    private OFFactory factory;
    private long nextXid = 1;
    private long configBarrierXid;
    private OFFeaturesReply features;
    private final Map<Integer, SwitchPort> ports = new TreeMap<>();
    private SwitchSession session;
    private ScheduledFuture<?> handshakeTimer;
    private boolean echoOutstanding;
    private String remote = "?";

    public SwitchChannelHandler(OpenFlowController controller, Duration handshakeTimeout) {
        this.controller = controller;
        this.handshakeTimeout = handshakeTimeout;
    }

    State state() {
        return state;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        remote = NettyMessageChannel.describe(ctx.channel());
        log.info("event=switch-connecting remote={}", remote);
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state != State.ACTIVE && state != State.CLOSED) {
                controller.metrics().handshakeFailures.increment();
                log.warn("event=handshake-timeout remote={} state={}", remote, state);
                ctx.close();
            }
        }, handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ctx.writeAndFlush(VersionNegotiation.ourHello(nextXid++));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, OFMessage msg) {
        echoOutstanding = false;
        if (msg.getType() == OFType.ECHO_REQUEST) {
            OFEchoRequest req = (OFEchoRequest) msg;
            ctx.writeAndFlush(OFFactories.getFactory(msg.getVersion()).buildEchoReply()
                    .setXid(req.getXid()).setData(req.getData()).build());
            return;
        }
        if (msg.getType() == OFType.ECHO_REPLY) {
            return;
        }
        if (state != State.WAIT_HELLO && msg.getVersion() != factory.getVersion()) {
            controller.metrics().messagesSkipped.increment();
            log.warn("event=message-skipped remote={} reason=\"version {} after negotiating {}\" type={}",
                    remote, msg.getVersion(), factory.getVersion(), msg.getType());
            return;
        }
        switch (state) {
            case WAIT_HELLO -> onHello(ctx, msg);
            case WAIT_FEATURES_REPLY -> onFeaturesReply(ctx, msg);
            case WAIT_PORT_DESC -> onPortDesc(ctx, msg);
            case WAIT_CONFIG_BARRIER -> onConfigBarrier(ctx, msg);
            case ACTIVE -> controller.messageReceived(session, msg);
            case CLOSED -> { }
        }
    }

    private void onHello(ChannelHandlerContext ctx, OFMessage msg) {
        if (msg.getType() != OFType.HELLO) {
            unexpected(msg);
            return;
        }
        var version = VersionNegotiation.negotiate((OFHello) msg);
        if (version.isEmpty()) {
            controller.metrics().handshakeFailures.increment();
            log.warn("event=handshake-failed remote={} reason=\"no common version\" theirs={}", remote,
                    msg.getVersion());
            OFFactory theirs = OFFactories.getFactory(msg.getVersion());
            ctx.writeAndFlush(theirs.errorMsgs().buildHelloFailedErrorMsg().setXid(msg.getXid())
                    .setCode(OFHelloFailedCode.INCOMPATIBLE).build()).addListener(f -> ctx.close());
            state = State.CLOSED;
            return;
        }
        factory = OFFactories.getFactory(version.get());
        state = State.WAIT_FEATURES_REPLY;
        ctx.writeAndFlush(factory.buildFeaturesRequest().setXid(nextXid++).build());
    }

    private void onFeaturesReply(ChannelHandlerContext ctx, OFMessage msg) {
        if (msg.getType() != OFType.FEATURES_REPLY) {
            unexpected(msg);
            return;
        }
        features = (OFFeaturesReply) msg;
        Dpid claimed = new Dpid(features.getDatapathId().getLong());
        if (!controller.settings().access().allows(claimed)) {
            controller.metrics().switchesRefused.increment();
            log.warn("event=switch-refused remote={} dpid={} reason=\"not in natflow.openflow.allowed-dpids\"",
                    remote, claimed);
            ctx.close();
            return;
        }
        if (factory.getVersion().compareTo(OFVersion.OF_13) >= 0 && features.getAuxiliaryId().getValue() != 0) {
            log.warn("event=handshake-failed remote={} reason=\"auxiliary connection not supported\"", remote);
            ctx.close();
            return;
        }
        if (factory.getVersion() == OFVersion.OF_10) {
            features.getPorts().forEach(this::putPort);
            configure(ctx);
        } else {
            state = State.WAIT_PORT_DESC;
            ctx.writeAndFlush(factory.buildPortDescStatsRequest().setXid(nextXid++).build());
        }
    }

    private void onPortDesc(ChannelHandlerContext ctx, OFMessage msg) {
        if (msg instanceof OFPortDescStatsReply reply) {
            reply.getEntries().forEach(this::putPort);
            if (!reply.getFlags().contains(OFStatsReplyFlags.REPLY_MORE)) {
                configure(ctx);
            }
        } else {
            unexpected(msg);
        }
    }

    private void configure(ChannelHandlerContext ctx) {
        List<OFMessage> out = new ArrayList<>();
        out.add(factory.buildSetConfig().setXid(nextXid++).setMissSendLen(MISS_SEND_LEN).setFlags(Set.of()).build());
        if (factory.getVersion().compareTo(OFVersion.OF_13) >= 0) {
            // OpenFlow 1.3+ drops table misses by default; send them to us instead. Added, not wiped:
            // the switch keeps every other flow across controller restarts.
            var tableMiss = factory.buildFlowAdd().setXid(nextXid++).setTableId(TableId.ZERO).setPriority(0)
                    .setCookie(TABLE_MISS_COOKIE).setMatch(factory.matchWildcardAll());
            FlowMods.withActions(factory, tableMiss, List.of(factory.actions().buildOutput()
                    .setPort(OFPort.CONTROLLER).setMaxLen(MISS_SEND_LEN).build()));
            out.add(tableMiss.build());
        }
        configBarrierXid = nextXid++;
        out.add(factory.buildBarrierRequest().setXid(configBarrierXid).build());
        out.forEach(ctx::write);
        ctx.flush();
        state = State.WAIT_CONFIG_BARRIER;
    }

    private void onConfigBarrier(ChannelHandlerContext ctx, OFMessage msg) {
        if (msg instanceof OFBarrierReply reply && reply.getXid() == configBarrierXid) {
            handshakeTimer.cancel(false);
            Dpid dpid = new Dpid(features.getDatapathId().getLong());
            session = new SwitchSession(dpid, factory.getVersion(), features.getNTables(),
                    new ArrayList<>(ports.values()), new NettyMessageChannel(ctx.channel()), Instant.now(),
                    controller.metrics(), controller.settings().limits());
            state = State.ACTIVE;
            controller.registry().activate(session);
        } else if (msg instanceof OFErrorMsg error) {
            log.warn("event=handshake-error remote={} xid={} error={}", remote, error.getXid(), error);
        } else {
            unexpected(msg);
        }
    }

    private void unexpected(OFMessage msg) {
        if (msg instanceof OFPortStatus status) {
            putPort(status.getDesc());
            return;
        }
        log.debug("event=handshake-message-ignored remote={} state={} type={}", remote, state, msg.getType());
    }

    /** Keeps a port described during the handshake, up to the bound of ports per switch. */
    private void putPort(OFPortDesc desc) {
        int number = desc.getPortNo().getPortNumber();
        if (!ports.containsKey(number) && ports.size() >= controller.settings().limits().portsPerSwitch()) {
            controller.metrics().portsRefused.increment();
            return;
        }
        ports.put(number, SwitchPort.of(desc));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            if (echoOutstanding) {
                log.warn("event=switch-silent remote={} dpid={} state={}", remote,
                        session != null ? session.dpid() : "-", state);
                ctx.close();
            } else if (factory != null) {
                echoOutstanding = true;
                ctx.writeAndFlush(factory.buildEchoRequest().setXid(nextXid++).setData(new byte[0]).build());
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (session != null) {
            controller.registry().closed(session, "connection closed");
        } else if (state != State.CLOSED) {
            log.info("event=switch-gone-during-handshake remote={} state={}", remote, state);
        }
        state = State.CLOSED;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            controller.metrics().connectionsRejected.increment();
            log.warn("event=connection-rejected remote={} dpid={} reason=\"{}\"", remote,
                    session != null ? session.dpid() : "-", cause.getMessage());
        } else if (cause instanceof IOException) {
            log.info("event=connection-error remote={} error=\"{}\"", remote, cause.getMessage());
        } else {
            log.warn("event=channel-error remote={} error={}", remote, cause.toString());
        }
        ctx.close();
    }
}
