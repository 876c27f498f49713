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
 * @param maxLifetimeSeconds the longest lifetime granted
 * @param maxPerHost         most mappings one inside host may hold
 */
public record PortMappingPolicyDocument(List<String> insideNetworks, String publicPorts, Long maxLifetimeSeconds,
                                        Integer maxPerHost) {

    static PortMappingPolicyDocument of(PortMappingPolicy p) {
        return new PortMappingPolicyDocument(p.insideNetworks().stream().map(Object::toString).toList(),
                p.publicPortMin() + "-" + p.publicPortMax(), p.maxLifetime().toSeconds(), p.maxPerHost());
    }

    /** The policy, every field checked; a missing one keeps {@code current}'s. */
    PortMappingPolicy toPolicy(PortMappingPolicy current) {
        var nets = insideNetworks == null ? current.insideNetworks()
                : RequestFields.prefixes("insideNetworks", insideNetworks, 100);
        int min = current.publicPortMin();
        int max = current.publicPortMax();
        if (publicPorts != null) {
            try {
                int[] r = Addresses.portRange(publicPorts);
                min = r[0];
                max = r[1];
            } catch (IllegalArgumentException e) {
                throw RuleException.invalid("publicPorts", "'" + publicPorts + "' is not a port range like 1024-65535");
            }
            if (min < 1 || max > 65535 || min > max) {
                throw RuleException.invalid("publicPorts", "a range within 1-65535");
            }
        }
        long life = maxLifetimeSeconds == null ? current.maxLifetime().toSeconds() : maxLifetimeSeconds;
        if (life < 1 || life > 0xffffffffL) {
            throw RuleException.invalid("maxLifetimeSeconds", "between 1 and 4294967295, was " + life);
        }
        int perHost = maxPerHost == null ? current.maxPerHost() : maxPerHost;
        if (perHost < 1 || perHost > 65535) {
            throw RuleException.invalid("maxPerHost", "between 1 and 65535, was " + perHost);
        }
        return new PortMappingPolicy(nets, min, max, Duration.ofSeconds(life), perHost);
    }
}
