package org.natflow.rest.config;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.natflow.controller.api.Dpid;
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
 * @param tls              OpenFlow over TLS with switch certificates
 * @param allowedDpids     the switches that may connect ({@code 00:00:00:00:00:00:00:01} or hex); empty: any
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
        @DefaultValue("1024") @Min(1) int maxConnections,
        @DefaultValue Tls tls,
        @DefaultValue List<String> allowedDpids) {

    /**
     * OpenFlow over TLS ({@code natflow.openflow.tls.*}): the controller's certificate and key, and the authority
     * switch certificates must be signed by (every switch must present one: mutual authentication, as Open vSwitch
     * does with {@code ssl:} controllers and {@code ovs-pki}).
     *
     * @param enabled     TLS instead of plain TCP
     * @param certificate the controller's certificate chain, PEM
     * @param privateKey  its private key, PEM (PKCS#8, unencrypted)
     * @param trust       the certificate(s) of the authority that signs switch certificates, PEM
     */
    public record Tls(@DefaultValue("false") boolean enabled, @DefaultValue("") String certificate,
                      @DefaultValue("") String privateKey, @DefaultValue("") String trust) {

        Optional<SslContext> context() {
            if (!enabled) {
                return Optional.empty();
            }
            for (String[] f : new String[][] {{"certificate", certificate}, {"private-key", privateKey},
                {"trust", trust}}) {
                if (f[1].isBlank() || !new File(f[1]).canRead()) {
                    throw new IllegalArgumentException("natflow.openflow.tls." + f[0] + ": "
                            + (f[1].isBlank() ? "is required with TLS" : "cannot read " + f[1]));
                }
            }
            try {
                return Optional.of(SslContextBuilder.forServer(new File(certificate), new File(privateKey))
                        .trustManager(new File(trust)).clientAuth(ClientAuth.REQUIRE).build());
            } catch (SSLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("natflow.openflow.tls.certificate: the certificate, key or trust"
                        + " could not be loaded (" + e.getMessage() + ")");
            }
        }
    }

    /** The core's settings. */
    public OpenFlowSettings toSettings() {
        OpenFlowSettings.Limits defaults = OpenFlowSettings.Limits.defaults();
        return new OpenFlowSettings(address, port, handshakeTimeout, echoInterval, requestTimeout,
                packetInThreads, packetInQueue, controlQueue, new OpenFlowSettings.Limits(
                maxReplyEntries > 0 ? maxReplyEntries : defaults.replyEntries(), maxPorts, maxConnections),
                new OpenFlowSettings.Access(tls.context(), dpids()));
    }

    private Set<Dpid> dpids() {
        return Set.copyOf(SettingLists.parse(allowedDpids, "natflow.openflow.allowed-dpids", d -> {
            try {
                return Dpid.parse(d);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a datapath id", e);
            }
        }));
    }
}
