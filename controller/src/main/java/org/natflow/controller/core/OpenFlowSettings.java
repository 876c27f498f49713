package org.natflow.controller.core;

import java.time.Duration;

/**
 * Settings of the OpenFlow core.
 *
 * @param address           listen address
 * @param port              listen port (0: any free port)
 * @param handshakeTimeout  a switch that has not completed the handshake by then is disconnected
 * @param echoInterval      after this long without a message from a switch an echo request is sent; after
 *                          twice this long the switch is considered silent and disconnected
 * @param requestTimeout    how long to wait for a barrier or statistics reply
 * @param packetInThreads   0: packet-ins are handled on their connection's I/O thread, run to completion (see
 *                          {@link PacketInDispatcher}); more: worker threads for packet-ins other than ARP/LLDP
 * @param packetInQueue     with workers: bound of the packet-in queue; packet-ins past it are dropped and counted
 * @param controlQueue      with workers: bound of the ARP/LLDP queue, served by its own thread so floods cannot
 *                          starve it
 */
public record OpenFlowSettings(String address, int port, Duration handshakeTimeout, Duration echoInterval,
                               Duration requestTimeout, int packetInThreads, int packetInQueue, int controlQueue) {

    public OpenFlowSettings {
        if (packetInThreads < 0) {
            throw new IllegalArgumentException("packet-in threads must be 0 (I/O thread) or more, not "
                    + packetInThreads);
        }
    }

    /** Defaults suitable for tests: loopback, any port. */
    public static OpenFlowSettings loopbackDefaults() {
        return new OpenFlowSettings("127.0.0.1", 0, Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(10), 0, 10_000, 1_000);
    }
}
