package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.natflow.apps.border.Addresses;
import org.natflow.services.turn.TurnConfig;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The TURN server ({@code natflow.turn.*}); needs the service link. See docs/relays.md.
 *
 * @param enabled            whether the TURN server runs
 * @param port               UDP port on the NAT's first public address
 * @param realm              the long-term credential realm
 * @param users              configured users, {@code name:password}, comma-separated
 * @param secret             shared secret of the time-limited scheme (coturn's use-auth-secret); empty: off
 * @param allocationsPerUser most live allocations per user
 * @param maxAllocations     most live allocations of all users together (486 beyond it)
 * @param bandwidth          bytes per second one allocation may relay in each direction (0: no cap)
 * @param defaultLifetime    allocation lifetime when the client asks for less, seconds
 * @param maxLifetime        longest allocation lifetime granted, seconds
 * @param deniedPeers        CIDRs never relayed to; empty: the special-purpose ranges of coturn's secure
 *                           configuration (RFC 1918, RFC 6598, RFC 6890); the inside networks, the pool, the
 *                           uplink subnet and the upstream gateway are refused in any case
 * @param allowedPeers       CIDRs relayed to although denied (e.g. a peer on the uplink subnet)
 * @param alternatePort      RFC 5780's second port, on the first two pool addresses (0: no behaviour discovery;
 *                           it needs two pool addresses)
 */
@Validated
@ConfigurationProperties("natflow.turn")
public record TurnProperties(@DefaultValue("false") boolean enabled,
                             @DefaultValue("3478") @Min(1) @Max(65535) int port,
                             @DefaultValue("natflow") String realm, @DefaultValue("") List<String> users,
                             @DefaultValue("") String secret,
                             @DefaultValue("10") @Min(1) int allocationsPerUser,
                             @DefaultValue("10000") @Min(1) int maxAllocations,
                             @DefaultValue("12500000") @Min(0) long bandwidth,
                             @DefaultValue("600") @Min(1) int defaultLifetime,
                             @DefaultValue("3600") @Min(1) int maxLifetime,
                             @DefaultValue List<String> deniedPeers, @DefaultValue List<String> allowedPeers,
                             @DefaultValue("3479") @Min(0) @Max(65535) int alternatePort) {

    /** The server's view; a user entry without a colon is refused. */
    public TurnConfig toConfig() {
        Map<String, String> parsed = new LinkedHashMap<>();
        SettingLists.parse(users, "natflow.turn.users", TurnProperties::user)
                .forEach(e -> parsed.put(e.getKey(), e.getValue()));
        List<IPv4AddressWithMask> denied = SettingLists.parse(deniedPeers, "natflow.turn.denied-peers",
                Addresses::prefix);
        return new TurnConfig(port, realm, parsed, secret.isEmpty() ? null : secret, allocationsPerUser,
                maxAllocations, bandwidth, defaultLifetime, maxLifetime, denied.isEmpty() ? TurnConfig.DENIED : denied,
                SettingLists.parse(allowedPeers, "natflow.turn.allowed-peers", Addresses::prefix), alternatePort);
    }

    private static Map.Entry<String, String> user(String entry) {
        int colon = entry.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not name:password");
        }
        return Map.entry(entry.substring(0, colon).trim(), entry.substring(colon + 1));
    }
}
