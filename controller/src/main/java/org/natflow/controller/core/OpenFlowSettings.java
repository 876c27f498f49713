package org.natflow.controller.core;

import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.natflow.controller.api.Dpid;

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
 * @param limits            what one switch may make the controller hold
 * @param access            who may be a switch: TLS with switch certificates, and an allow list of dpids
 */
public record OpenFlowSettings(String address, int port, Duration handshakeTimeout, Duration echoInterval,
                               Duration requestTimeout, int packetInThreads, int packetInQueue, int controlQueue,
                               Limits limits, Access access) {

    /**
     * Who may connect as a switch.
     *
     * @param tls          the server side of OpenFlow over TLS, requiring a client certificate signed by the trusted
     *                     authority (empty: plain TCP)
     * @param allowedDpids the switches that may connect (empty: any); others are refused after FEATURES_REPLY
     */
    public record Access(Optional<SslContext> tls, Set<Dpid> allowedDpids) {

        /** Plain TCP, any switch: for loopback and tests. */
        public static final Access OPEN = new Access(Optional.empty(), Set.of());

        public Access {
            allowedDpids = Set.copyOf(allowedDpids);
        }

        /** Whether a switch with this dpid may connect. */
        public boolean allows(Dpid dpid) {
            return allowedDpids.isEmpty() || allowedDpids.contains(dpid);
        }
    }

    /**
     * Bounds on what a switch's messages make the controller keep: beyond them the switch is refused, not the
     * controller's heap or CPU.
     *
     * @param replyEntries   most entries of statistics replies gathered for one switch at a time (all its
     *                       outstanding requests together); a reply that would pass it fails and the switch is
     *                       disconnected
     * @param portsPerSwitch most ports kept per switch; ports added beyond it are ignored and counted
     * @param connections    most OpenFlow connections at once (handshaking or active); more are closed at once
     */
    public record Limits(long replyEntries, int portsPerSwitch, int connections) {

        public Limits {
            if (replyEntries < 1 || portsPerSwitch < 1 || connections < 1) {
                throw new IllegalArgumentException("limits must be at least 1");
            }
        }

        /**
         * The defaults: statistics entries for a quarter of the heap at 512 bytes each (about what a decoded
         * flow entry takes; at least 10 000), 4 096 ports, 1 024 connections.
         */
        public static Limits defaults() {
            return new Limits(Math.max(10_000, Runtime.getRuntime().maxMemory() / 4 / 512), 4096, 1024);
        }
    }

    /** Settings with the default limits. */
    public OpenFlowSettings(String address, int port, Duration handshakeTimeout, Duration echoInterval,
                            Duration requestTimeout, int packetInThreads, int packetInQueue, int controlQueue) {
        this(address, port, handshakeTimeout, echoInterval, requestTimeout, packetInThreads, packetInQueue,
                controlQueue, Limits.defaults(), Access.OPEN);
    }

    public OpenFlowSettings {
        if (packetInThreads < 0) {
            throw new IllegalArgumentException("packet-in threads must be 0 (I/O thread) or more, not "
                    + packetInThreads);
        }
        if (limits == null || access == null) {
            throw new IllegalArgumentException("limits and access are required");
        }
    }

    /** The same settings with other limits. */
    public OpenFlowSettings withLimits(Limits l) {
        return new OpenFlowSettings(address, port, handshakeTimeout, echoInterval, requestTimeout, packetInThreads,
                packetInQueue, controlQueue, l, access);
    }

    /** The same settings with other access rules. */
    public OpenFlowSettings withAccess(Access a) {
        return new OpenFlowSettings(address, port, handshakeTimeout, echoInterval, requestTimeout, packetInThreads,
                packetInQueue, controlQueue, limits, a);
    }

    /** Defaults suitable for tests: loopback, any port. */
    public static OpenFlowSettings loopbackDefaults() {
        return new OpenFlowSettings("127.0.0.1", 0, Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(10), 0, 10_000, 1_000);
    }
}
