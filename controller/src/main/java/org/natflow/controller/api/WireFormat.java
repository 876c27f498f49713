package org.natflow.controller.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.projectfloodlight.openflow.protocol.Writeable;

/**
 * The bytes an OpenFlow object (message, action, match) has on the wire, for apps that must read a field
 * Loxi does not expose (a Nicira action's layout) without handling the core's Netty buffers themselves.
 */
public final class WireFormat {

    private WireFormat() {
    }

    /** {@code w} serialised as the switch receives it. */
    public static byte[] bytes(Writeable w) {
        ByteBuf buf = Unpooled.buffer();
        try {
            w.writeTo(buf);
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        } finally {
            buf.release();
        }
    }
}
