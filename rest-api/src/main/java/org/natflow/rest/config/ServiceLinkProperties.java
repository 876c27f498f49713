package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.concurrent.atomic.AtomicReference;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.service.ServiceLinkConfig;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.MacAddress;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The relay service link ({@code natflow.service-link.*}); on when {@code port} is set. See docs/relays.md.
 *
 * @param port         the border switch port facing natflow's host
 * @param address      natflow's address on the link (configured on its interface; services listen there)
 * @param aliasAddress the link peer address remotes are translated to
 * @param aliasMac     the MAC the switch answers for the alias address with
 * @param udpIdle      seconds a UDP conversation lives without traffic
 * @param tcpIdle      seconds a TCP conversation lives without traffic
 * @param unconfirmedPerSource most conversations one remote address may open before its service vouches for them
 * @param unconfirmedTotal     most such conversations in all (the oldest gives way beyond it)
 */
@Validated
@ConfigurationProperties("natflow.service-link")
public record ServiceLinkProperties(String port, @DefaultValue("169.254.100.1") String address,
                                    @DefaultValue("169.254.100.2") String aliasAddress,
                                    @DefaultValue("02:6e:66:00:00:fe") String aliasMac,
                                    @DefaultValue("900") @Min(1) @Max(65535) int udpIdle,
                                    @DefaultValue("7440") @Min(1) @Max(65535) int tcpIdle,
                                    @DefaultValue("16") @Min(1) int unconfirmedPerSource,
                                    @DefaultValue("16384") @Min(1) @Max(60000) int unconfirmedTotal) {

    /** The apps' view; natflow's interface MAC is looked up (and then kept) when first needed. */
    public ServiceLinkConfig toConfig() {
        IPv4Address service = Addresses.address(address);
        AtomicReference<MacAddress> mac = new AtomicReference<>();
        return new ServiceLinkConfig(port, service, Addresses.address(aliasAddress), MacAddress.of(aliasMac), () -> {
            MacAddress known = mac.get();
            if (known == null) {
                known = interfaceMac(service);
                mac.set(known);
            }
            return known;
        }, udpIdle, tcpIdle, unconfirmedPerSource, unconfirmedTotal);
    }

    private static MacAddress interfaceMac(IPv4Address address) {
        try {
            NetworkInterface nif = NetworkInterface.getByInetAddress(InetAddress.getByAddress(address.getBytes()));
            byte[] hw = nif == null ? null : nif.getHardwareAddress();
            return hw == null ? null : MacAddress.of(hw);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
