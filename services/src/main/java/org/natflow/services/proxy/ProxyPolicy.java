package org.natflow.services.proxy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.natflow.apps.RuleException;
import org.natflow.apps.ports.PortRange;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * What the proxies let inside hosts do; changed at run time through {@code /api/v1/proxy/policy} and kept in
 * the database. Whatever it says, natflow's own and inside addresses stay out of reach
 * ({@link org.natflow.apps.border.ForbiddenTargets}).
 *
 * @param enabled             whether new tunnels are accepted at all (live ones are not affected)
 * @param users               who may use the proxies; empty: no authentication
 * @param allowedSources      inside prefixes whose hosts may use the proxies; empty: every inside host
 * @param allowedDestinations when not empty, only these destinations may be reached
 * @param deniedDestinations  destinations never reached (checked after the allowed ones)
 * @param connectPorts        the ports an HTTP CONNECT may ask for (SOCKS is not limited by them)
 * @param maxTunnelsPerHost   open tunnels one inside host may have at once
 * @param connectTimeout      how long a destination has to accept the connection
 * @param idleTimeout         a tunnel with nothing flowing either way for this long is closed
 */
public record ProxyPolicy(boolean enabled, List<ProxyUser> users, List<IPv4AddressWithMask> allowedSources,
                          List<DestinationRule> allowedDestinations, List<DestinationRule> deniedDestinations,
                          List<PortRange> connectPorts, int maxTunnelsPerHost, Duration connectTimeout,
                          Duration idleTimeout) {

    /** At most this many users, rules or ranges in each list. */
    public static final int MAX_ENTRIES = 1000;

    public ProxyPolicy {
        users = List.copyOf(check("users", users));
        allowedSources = List.copyOf(check("allowedSources", allowedSources));
        allowedDestinations = List.copyOf(check("allowedDestinations", allowedDestinations));
        deniedDestinations = List.copyOf(check("deniedDestinations", deniedDestinations));
        connectPorts = List.copyOf(check("connectPorts", connectPorts));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            if (!names.add(users.get(i).name())) {
                throw RuleException.invalid("users[" + i + "].name", "user " + users.get(i).name() + " twice");
            }
        }
        if (maxTunnelsPerHost < 1 || maxTunnelsPerHost > 100_000) {
            throw RuleException.invalid("maxTunnelsPerHost", "must be 1-100000");
        }
        checkSeconds("connectTimeout", connectTimeout, 1, 300);
        checkSeconds("idleTimeout", idleTimeout, 1, 86_400);
    }

    /** Squid's and tinyproxy's habits: CONNECT to 443 only, 100 tunnels per host, 10 s to connect, 5 min idle. */
    public static ProxyPolicy defaults() {
        return new ProxyPolicy(true, List.of(), List.of(), List.of(), List.of(), List.of(new PortRange(443, 443)), 100,
                Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    /** This policy with other users. */
    public ProxyPolicy withUsers(List<ProxyUser> others) {
        return new ProxyPolicy(enabled, others, allowedSources, allowedDestinations, deniedDestinations, connectPorts,
                maxTunnelsPerHost, connectTimeout, idleTimeout);
    }

    private static <T> List<T> check(String field, List<T> list) {
        if (list == null) {
            return List.of();
        }
        if (list.size() > MAX_ENTRIES) {
            throw RuleException.invalid(field, "at most " + MAX_ENTRIES + " entries");
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw RuleException.invalid(field + "[" + i + "]", "must not be null");
            }
        }
        return list;
    }

    private static void checkSeconds(String field, Duration d, long min, long max) {
        if (d == null || d.isNegative() || d.toSeconds() < min || d.toSeconds() > max) {
            throw RuleException.invalid(field, "must be " + min + "-" + max + " seconds");
        }
    }

    /** Whether authentication is asked for. */
    public boolean authenticates() {
        return !users.isEmpty();
    }

    /** The user called {@code name}. */
    public Optional<ProxyUser> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** Whether an inside host may use the proxies. */
    public boolean admitsSource(IPv4Address inside) {
        return allowedSources.isEmpty() || allowedSources.stream().anyMatch(p -> p.contains(inside));
    }

    /** Whether the policy lets a tunnel reach {@code address:port} (natflow's own limits come on top). */
    public boolean admitsDestination(IPv4Address address, int port) {
        if (!allowedDestinations.isEmpty() && allowedDestinations.stream().noneMatch(r -> r.matches(address, port))) {
            return false;
        }
        return deniedDestinations.stream().noneMatch(r -> r.matches(address, port));
    }

    /** Whether an HTTP CONNECT may ask for {@code port}. */
    public boolean admitsConnectPort(int port) {
        return connectPorts.stream().anyMatch(r -> r.contains(port));
    }
}
