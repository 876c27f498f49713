package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.natflow.controller.core.OpenFlowSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The OpenFlow listener ({@code natflow.openflow.*}).
 *
 * @param address          address to listen on for switches
 * @param port             TCP port to listen on (0: any free port)
 * @param handshakeTimeout a switch must complete the handshake within this time
 * @param echoInterval     send an echo request after this much silence; disconnect after twice as much
 * @param requestTimeout   how long to wait for barrier and statistics replies
 * @param packetInThreads  0 (default): packet-ins are handled on their connection's I/O thread, run to
 *                         completion; more: worker threads for packet-ins other than ARP/LLDP
 * @param packetInQueue    bound of the packet-in queue; excess packet-ins are dropped and counted
 * @param controlQueue     bound of the ARP/LLDP packet-in queue
 * @param maxReplyEntries  most statistics entries gathered for one switch at once (0: a quarter of the heap at
 *                         512 bytes each); a switch whose reply passes it is disconnected
 * @param maxPorts         most ports kept per switch; more are ignored and counted
 * @param maxConnections   most OpenFlow connections at once; more are closed at once and counted
 */
@Validated
@ConfigurationProperties("natflow.openflow")
public record OpenFlowProperties(
        @DefaultValue("127.0.0.1") @NotBlank String address,
        @DefaultValue("6653") @Min(0) @Max(65535) int port,
        @DefaultValue("10s") Duration handshakeTimeout,
        @DefaultValue("5s") Duration echoInterval,
        @DefaultValue("10s") Duration requestTimeout,
        @DefaultValue("0") @Min(0) int packetInThreads,
        @DefaultValue("10000") @Min(1) int packetInQueue,
        @DefaultValue("1000") @Min(1) int controlQueue,
        @DefaultValue("0") @Min(0) long maxReplyEntries,
        @DefaultValue("4096") @Min(1) int maxPorts,
        @DefaultValue("1024") @Min(1) int maxConnections) {

    /** The core's settings. */
    public OpenFlowSettings toSettings() {
        OpenFlowSettings.Limits defaults = OpenFlowSettings.Limits.defaults();
        return new OpenFlowSettings(address, port, handshakeTimeout, echoInterval, requestTimeout,
                packetInThreads, packetInQueue, controlQueue, new OpenFlowSettings.Limits(
                maxReplyEntries > 0 ? maxReplyEntries : defaults.replyEntries(), maxPorts, maxConnections));
    }
}
