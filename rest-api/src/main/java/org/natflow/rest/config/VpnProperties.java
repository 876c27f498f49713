package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.border.GatewayConfig;
import org.natflow.apps.vpn.VpnConfig;
import org.natflow.services.vpn.WireGuardGo;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The VPN that lends addresses ({@code natflow.vpn.*}); see docs/vpn.md.
 *
 * @param enabled       whether it runs
 * @param addresses     the addresses it lends (addresses and ranges, like the pool)
 * @param port          the tunnel's UDP port on the first pool address
 * @param linkPort      the border switch's port to the VPN's namespace
 * @param namespace     the network namespace wireguard-go runs in
 * @param linkInterface the namespace's end of the link
 * @param device        the WireGuard interface's name (unique on the machine)
 * @param quarantine    how long a deleted peer's address is kept from new peers
 * @param keepalive     the persistent keepalive in clients' configurations, seconds (0: none)
 */
@Validated
@ConfigurationProperties("natflow.vpn")
public record VpnProperties(@DefaultValue("false") boolean enabled, @DefaultValue List<String> addresses,
                            @DefaultValue("51820") @Min(1) @Max(65535) int port,
                            @DefaultValue("nfvpn-s1") String linkPort, @DefaultValue("natflow-vpn") String namespace,
                            @DefaultValue("nfvpn0") String linkInterface, @DefaultValue("nfwg0") String device,
                            @DefaultValue("1h") Duration quarantine, @DefaultValue("25") @Min(0) @Max(65535) int keepalive) {

    /** The apps' view. */
    public VpnConfig toConfig() {
        List<org.projectfloodlight.openflow.types.IPv4Address> lent;
        try {
            lent = Addresses.pool(addresses);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("natflow.vpn.addresses", e.getMessage(),
                    "give addresses and ranges of the uplink subnet, e.g. 203.0.113.64-203.0.113.79");
        }
        if (lent.isEmpty()) {
            throw new InvalidSettingException("natflow.vpn.addresses", "no addresses to lend",
                    "give addresses and ranges of the uplink subnet outside the pool");
        }
        return new VpnConfig(lent, port, linkPort, quarantine, keepalive);
    }

    /** Where wireguard-go runs, its key in {@code dataDir}/vpn. */
    public WireGuardGo.Settings device(GatewayConfig gateway, Path dataDir) {
        return new WireGuardGo.Settings(namespace, device, linkInterface, port,
                gateway.outsideMac(), gateway.insideMac(), gateway.publicAddresses(), dataDir.resolve("vpn").resolve("wireguard.key"), Path.of("/var/run/wireguard"));
    }
}
