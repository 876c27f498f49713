package org.natflow.controller.channel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.natflow.controller.core.OpenFlowController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listening OpenFlow server. */
public final class OpenFlowServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenFlowServer.class);

    private final OpenFlowController controller;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel listener;

    public OpenFlowServer(OpenFlowController controller) {
        this.controller = controller;
    }

    /** Binds the listen address; returns when listening. */
    public synchronized void start() throws InterruptedException {
        var settings = controller.settings();
        boss = new NioEventLoopGroup(1);
        workers = new NioEventLoopGroup();
        listener = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new OpenFlowChannelInitializer(controller))
                .bind(settings.address(), settings.port()).sync().channel();
        log.info("event=openflow-listening address={}", boundAddress());
    }

    /** Whether the listener is bound. */
    public boolean isListening() {
        return listener != null && listener.isActive();
    }

    /** The bound address (useful with port 0). */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Stops listening and closes every switch connection. */
    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
