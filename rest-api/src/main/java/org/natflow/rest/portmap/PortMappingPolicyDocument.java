package org.natflow.rest.portmap;

import java.time.Duration;
import java.util.List;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.portmap.PortMappingPolicy;
import org.natflow.rest.errors.RequestFields;

/**
 * The policy as the API and the store write it. Each bad field is reported by name.
 *
 * @param insideNetworks     CIDR prefixes whose hosts may ask (empty: every inside host)
 * @param publicPorts        the public ports mappings may have, e.g. {@code 1024-65535}
 * @param insidePorts        the inside ports mappings may lead to, e.g. {@code 1-65535}
 * @param minLifetimeSeconds the shortest lifetime granted (0: what is asked)
 * @param maxLifetimeSeconds the longest lifetime granted
 * @param maxPerHost         most mappings one inside host may hold
 * @param thirdPartyFrom     CIDR prefixes whose hosts may ask for other hosts' mappings (PCP's THIRD_PARTY)
 */
public record PortMappingPolicyDocument(List<String> insideNetworks, String publicPorts, String insidePorts,
                                        Long minLifetimeSeconds, Long maxLifetimeSeconds, Integer maxPerHost,
                                        List<String> thirdPartyFrom) {

    static PortMappingPolicyDocument of(PortMappingPolicy p) {
        return new PortMappingPolicyDocument(p.insideNetworks().stream().map(Object::toString).toList(),
                p.publicPortMin() + "-" + p.publicPortMax(), p.insidePortMin() + "-" + p.insidePortMax(),
                p.minLifetime().toSeconds(), p.maxLifetime().toSeconds(), p.maxPerHost(),
                p.thirdPartyFrom().stream().map(Object::toString).toList());
    }

    /** The policy, every field checked; a missing one keeps {@code current}'s. */
    PortMappingPolicy toPolicy(PortMappingPolicy current) {
        var nets = insideNetworks == null ? current.insideNetworks()
                : RequestFields.prefixes("insideNetworks", insideNetworks, 100);
        var thirdParty = thirdPartyFrom == null ? current.thirdPartyFrom()
                : RequestFields.prefixes("thirdPartyFrom", thirdPartyFrom, 100);
        int[] pub = publicPorts == null ? new int[] {current.publicPortMin(), current.publicPortMax()}
                : range("publicPorts", publicPorts);
        int[] inside = insidePorts == null ? new int[] {current.insidePortMin(), current.insidePortMax()}
                : range("insidePorts", insidePorts);
        long life = maxLifetimeSeconds == null ? current.maxLifetime().toSeconds() : maxLifetimeSeconds;
        if (life < 1 || life > 0xffffffffL) {
            throw RuleException.invalid("maxLifetimeSeconds", "between 1 and 4294967295, was " + life);
        }
        long shortest = minLifetimeSeconds == null ? current.minLifetime().toSeconds() : minLifetimeSeconds;
        if (shortest < 0 || shortest > life) {
            throw RuleException.invalid("minLifetimeSeconds", "between 0 and maxLifetimeSeconds (" + life
                    + "), was " + shortest);
        }
        int perHost = maxPerHost == null ? current.maxPerHost() : maxPerHost;
        if (perHost < 1 || perHost > 65535) {
            throw RuleException.invalid("maxPerHost", "between 1 and 65535, was " + perHost);
        }
        return new PortMappingPolicy(nets, pub[0], pub[1], inside[0], inside[1], Duration.ofSeconds(shortest),
                Duration.ofSeconds(life), perHost, thirdParty);
    }

    private static int[] range(String field, String text) {
        int[] r;
        try {
            r = Addresses.portRange(text);
        } catch (IllegalArgumentException e) {
            throw RuleException.invalid(field, "'" + text + "' is not a port range like 1024-65535");
        }
        if (r[0] < 1 || r[1] > 65535 || r[0] > r[1]) {
            throw RuleException.invalid(field, "a range within 1-65535");
        }
        return r;
    }
}
