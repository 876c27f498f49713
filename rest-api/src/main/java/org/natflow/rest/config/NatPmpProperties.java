package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.portmap.PortMappingPolicy;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Mappings inside hosts ask for with PCP and NAT-PMP ({@code natflow.natpmp.*}: the name is older than PCP here); see docs/port-mapping.md.
 *
 * @param enabled         whether the NAT-PMP server answers (needs the service link)
 * @param insideNetworks  the inside prefixes whose hosts may ask (default: every inside host)
 * @param publicPorts     the public ports mappings may have
 * @param insidePorts     the inside ports mappings may lead to
 * @param minLifetime     the shortest lifetime granted (RFC 6887 suggests 120 s; 0: what is asked)
 * @param maxLifetime     the longest lifetime granted
 * @param maxPerHost      most mappings one inside host may hold
 * @param requestsPerHost requests a second one inside host may make
 * @param thirdPartyFrom  the inside prefixes whose hosts may ask for other hosts' mappings (PCP's THIRD_PARTY;
 *                        default: none)
 */
@Validated
@ConfigurationProperties("natflow.natpmp")
public record NatPmpProperties(@DefaultValue("false") boolean enabled, @DefaultValue List<String> insideNetworks,
                               @DefaultValue("1024-65535") String publicPorts,
                               @DefaultValue("1-65535") String insidePorts,
                               @DefaultValue("0s") Duration minLifetime,
                               @DefaultValue("2h") Duration maxLifetime,
                               @DefaultValue("16") @Min(1) @Max(65535) int maxPerHost,
                               @DefaultValue("10") @Min(1) @Max(10000) int requestsPerHost,
                               @DefaultValue List<String> thirdPartyFrom) {

    /** The apps' view. */
    public PortMappingPolicy toPolicy() {
        int[] range = range("natflow.natpmp.public-ports", publicPorts);
        int[] inside = range("natflow.natpmp.inside-ports", insidePorts);
        List<IPv4AddressWithMask> nets = prefixes("natflow.natpmp.inside-networks", insideNetworks);
        List<IPv4AddressWithMask> thirdParty = prefixes("natflow.natpmp.third-party-from", thirdPartyFrom);
        if (maxLifetime.isNegative() || maxLifetime.isZero() || maxLifetime.toSeconds() > 0xffffffffL) {
            throw new InvalidSettingException("natflow.natpmp.max-lifetime", "must be positive",
                    "give a duration like 2h");
        }
        if (minLifetime.isNegative() || minLifetime.compareTo(maxLifetime) > 0) {
            throw new InvalidSettingException("natflow.natpmp.min-lifetime", "must be between 0 and max-lifetime",
                    "give a duration like 120s");
        }
        return new PortMappingPolicy(nets, range[0], range[1], inside[0], inside[1], minLifetime, maxLifetime,
                maxPerHost, thirdParty);
    }

    private static int[] range(String property, String text) {
        try {
            int[] r = Addresses.portRange(text);
            if (r[0] < 1 || r[1] > 65535 || r[0] > r[1]) {
                throw new IllegalArgumentException("a range within 1-65535");
            }
            return r;
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(property, e.getMessage(), "give a range like 1024-65535");
        }
    }

    private static List<IPv4AddressWithMask> prefixes(String property, List<String> texts) {
        try {
            return texts.stream().map(Addresses::prefix).toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(property, e.getMessage(), "give CIDR prefixes of inside networks");
        }
    }
}
