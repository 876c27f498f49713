package org.natflow.controller.channel;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import org.natflow.controller.core.MessageChannel;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** The core's view of a Netty channel. */
final class NettyMessageChannel implements MessageChannel {

    private final Channel channel;
    private final String remote;

    NettyMessageChannel(Channel channel) {
        this.channel = channel;
        this.remote = describe(channel);
    }

    static String describe(Channel channel) {
        if (channel.remoteAddress() instanceof InetSocketAddress a) {
            return a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        return String.valueOf(channel.remoteAddress());
    }

    @Override
    public void send(List<? extends OFMessage> messages) {
        for (OFMessage m : messages) {
            channel.write(m, channel.voidPromise());
        }
        channel.flush();
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public String remoteAddress() {
        return remote;
    }
}
