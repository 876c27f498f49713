package org.natflow.rest.proxy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.services.proxy.DestinationRule;
import org.natflow.apps.ports.PortRange;
import org.natflow.services.proxy.ProxyPasswords;
import org.natflow.services.proxy.ProxyPolicy;
import org.natflow.services.proxy.ProxyUser;

/**
 * The proxy policy as the API reads and writes it. A PUT replaces the whole policy; fields left out take their
 * defaults. Passwords are written, never read: a user given without a password keeps the one it has.
 *
 * @param enabled             whether new tunnels are accepted (default true)
 * @param users               who may use the proxies; empty: no authentication
 * @param allowedSources      inside prefixes whose hosts may use the proxies; empty: all
 * @param allowedDestinations when not empty, only these ({@code prefix[:port[-port]]})
 * @param deniedDestinations  never these ({@code prefix[:port[-port]]})
 * @param connectPorts        ports (or ranges) HTTP CONNECT may ask for (default 443)
 * @param maxTunnelsPerHost   open tunnels per inside host (default 100)
 * @param connectTimeout      seconds a destination has to accept (default 10)
 * @param idleTimeout         seconds without traffic before a tunnel closes (default 300)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProxyPolicyDocument(Boolean enabled, List<User> users, List<String> allowedSources,
                                  List<String> allowedDestinations, List<String> deniedDestinations,
                                  List<String> connectPorts, Integer maxTunnelsPerHost, Integer connectTimeout,
                                  Integer idleTimeout) {

    /**
     * A proxy user.
     *
     * @param name     the user name
     * @param password the password; only written (kept hashed), never shown
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record User(String name, @Schema(accessMode = Schema.AccessMode.WRITE_ONLY) String password) {
    }

    /** The document showing {@code p} (without passwords). */
    public static ProxyPolicyDocument of(ProxyPolicy p) {
        return new ProxyPolicyDocument(p.enabled(), p.users().stream().map(u -> new User(u.name(), null)).toList(),
                p.allowedSources().stream().map(Object::toString).toList(),
                p.allowedDestinations().stream().map(DestinationRule::text).toList(),
                p.deniedDestinations().stream().map(DestinationRule::text).toList(),
                p.connectPorts().stream().map(PortRange::text).toList(), p.maxTunnelsPerHost(),
                (int) p.connectTimeout().toSeconds(), (int) p.idleTimeout().toSeconds());
    }

    /**
     * The policy this document asks for; users without a password keep theirs from {@code current}.
     *
     * @throws RuleException naming the field at fault
     */
    public ProxyPolicy toPolicy(ProxyPolicy current) {
        ProxyPolicy d = ProxyPolicy.defaults();
        List<ProxyUser> parsedUsers = new ArrayList<>();
        List<User> given = list("users", users);
        for (int i = 0; i < given.size(); i++) {
            User u = given.get(i);
            String field = "users[" + i + "]";
            if (u == null || u.name() == null) {
                throw RuleException.invalid(field + ".name", "required");
            }
            String hash;
            if (u.password() != null) {
                if (u.password().isEmpty() || u.password().length() > 255) {
                    throw RuleException.invalid(field + ".password", "1-255 characters");
                }
                hash = ProxyPasswords.hash(u.password());
            } else {
                hash = current.user(u.name()).map(ProxyUser::passwordHash).orElseThrow(() ->
                        RuleException.invalid(field + ".password", "required for a new user"));
            }
            try {
                parsedUsers.add(new ProxyUser(u.name(), hash));
            } catch (IllegalArgumentException e) {
                throw RuleException.invalid(field + ".name", e.getMessage());
            }
        }
        return new ProxyPolicy(enabled == null || enabled, parsedUsers,
                parse("allowedSources", allowedSources, Addresses::prefix),
                parse("allowedDestinations", allowedDestinations, DestinationRule::parse),
                parse("deniedDestinations", deniedDestinations, DestinationRule::parse),
                connectPorts == null ? d.connectPorts() : parse("connectPorts", connectPorts, PortRange::parse),
                maxTunnelsPerHost == null ? d.maxTunnelsPerHost() : maxTunnelsPerHost,
                connectTimeout == null ? d.connectTimeout() : Duration.ofSeconds(connectTimeout),
                idleTimeout == null ? d.idleTimeout() : Duration.ofSeconds(idleTimeout));
    }

    private static <T> List<T> list(String field, List<T> l) {
        if (l == null) {
            return List.of();
        }
        if (l.size() > ProxyPolicy.MAX_ENTRIES) {
            throw RuleException.invalid(field, "at most " + ProxyPolicy.MAX_ENTRIES + " entries");
        }
        return l;
    }

    private static <T> List<T> parse(String field, List<String> texts, Function<String, T> parser) {
        List<String> given = list(field, texts);
        List<T> out = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            try {
                if (given.get(i) == null) {
                    throw new IllegalArgumentException("must not be null");
                }
                out.add(parser.apply(given.get(i)));
            } catch (IllegalArgumentException e) {
                throw RuleException.invalid(field + "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }
}
