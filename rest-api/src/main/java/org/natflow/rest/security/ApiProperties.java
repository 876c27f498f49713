package org.natflow.rest.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * API credentials ({@code natflow.api.*}). Never logged. With none set, every write and every read of mappings,
 * allocations and relays is refused.
 *
 * @param token        bearer token accepted in {@code Authorization: Bearer <token>}
 * @param username     HTTP Basic user name
 * @param password     HTTP Basic password
 * @param readToken    bearer token of the read role (mappings, allocations, relays; no writes)
 * @param readUsername HTTP Basic user of the read role
 * @param readPassword its password
 * @param maxBodyBytes request bodies under {@code /api/} larger than this are refused with 413
 */
@ConfigurationProperties("natflow.api")
public record ApiProperties(@DefaultValue("") String token, @DefaultValue("") String username,
                            @DefaultValue("") String password, @DefaultValue("") String readToken,
                            @DefaultValue("") String readUsername, @DefaultValue("") String readPassword,
                            @DefaultValue("65536") long maxBodyBytes) {

    @Override
    public String toString() {
        return "ApiProperties[token=" + (token.isEmpty() ? "unset" : "set") + ", username=" + username
                + ", readToken=" + (readToken.isEmpty() ? "unset" : "set") + ", readUsername=" + readUsername + "]";
    }
}
