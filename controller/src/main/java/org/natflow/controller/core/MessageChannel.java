package org.natflow.controller.core;

import java.util.List;
import org.projectfloodlight.openflow.protocol.OFMessage;

/** The outbound side of a switch connection, as the core sees it. */
public interface MessageChannel {

    /** Writes the messages in order and flushes once. Safe from any thread. */
    void send(List<? extends OFMessage> messages);

    /** Closes the connection; the session is reported closed once it is. */
    void close();

    /** Remote address as {@code ip:port}. */
    String remoteAddress();
}
