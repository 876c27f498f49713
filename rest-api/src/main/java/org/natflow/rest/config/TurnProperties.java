package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.natflow.services.turn.TurnConfig;
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
 * @param bandwidth          bytes per second one allocation may relay in each direction (0: no cap)
 * @param defaultLifetime    allocation lifetime when the client asks for less, seconds
 * @param maxLifetime        longest allocation lifetime granted, seconds
 */
@Validated
@ConfigurationProperties("natflow.turn")
public record TurnProperties(@DefaultValue("false") boolean enabled,
                             @DefaultValue("3478") @Min(1) @Max(65535) int port,
                             @DefaultValue("natflow") String realm, @DefaultValue("") List<String> users,
                             @DefaultValue("") String secret,
                             @DefaultValue("10") @Min(1) int allocationsPerUser,
                             @DefaultValue("12500000") @Min(0) long bandwidth,
                             @DefaultValue("600") @Min(1) int defaultLifetime,
                             @DefaultValue("3600") @Min(1) int maxLifetime) {

    /** The server's view; a user entry without a colon is refused. */
    public TurnConfig toConfig() {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String u : users) {
            if (u.isBlank()) {
                continue;
            }
            int colon = u.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("natflow.turn.users: '" + u + "' is not name:password");
            }
            parsed.put(u.substring(0, colon).trim(), u.substring(colon + 1));
        }
        return new TurnConfig(port, realm, parsed, secret.isEmpty() ? null : secret, allocationsPerUser, bandwidth,
                defaultLifetime, maxLifetime);
    }
}
