package org.natflow.rest.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.portmap.PortMappingPolicy;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Mappings inside hosts ask for with NAT-PMP ({@code natflow.natpmp.*}); see docs/port-mapping.md.
 *
 * @param enabled         whether the NAT-PMP server answers (needs the service link)
 * @param insideNetworks  the inside prefixes whose hosts may ask (default: every inside host)
 * @param publicPorts     the public ports mappings may have
 * @param maxLifetime     the longest lifetime granted
 * @param maxPerHost      most mappings one inside host may hold
 * @param requestsPerHost requests a second one inside host may make
 */
@Validated
@ConfigurationProperties("natflow.natpmp")
public record NatPmpProperties(@DefaultValue("false") boolean enabled, @DefaultValue List<String> insideNetworks,
                               @DefaultValue("1024-65535") String publicPorts,
                               @DefaultValue("2h") Duration maxLifetime,
                               @DefaultValue("16") @Min(1) @Max(65535) int maxPerHost,
                               @DefaultValue("10") @Min(1) @Max(10000) int requestsPerHost) {

    /** The apps' view. */
    public PortMappingPolicy toPolicy() {
        int[] range;
        try {
            range = Addresses.portRange(publicPorts);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("natflow.natpmp.public-ports", e.getMessage(), "give a range like 1024-65535");
        }
        List<org.projectfloodlight.openflow.types.IPv4AddressWithMask> nets;
        try {
            nets = insideNetworks.stream().map(Addresses::prefix).toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("natflow.natpmp.inside-networks", e.getMessage(),
                    "give CIDR prefixes of the inside networks");
        }
        if (maxLifetime.isNegative() || maxLifetime.isZero() || maxLifetime.toSeconds() > 0xffffffffL) {
            throw new InvalidSettingException("natflow.natpmp.max-lifetime", "must be positive",
                    "give a duration like 2h");
        }
        return new PortMappingPolicy(nets, range[0], range[1], maxLifetime, maxPerHost);
    }

    /**
     * When the NAT-PMP epoch began: kept in {@code <data-dir>/natpmp.epoch} from the first start, since the
     * mappings it counts survive restarts.
     */
    public static long epochOrigin(Path dataDir, Clock clock) {
        Path file = dataDir.resolve("natpmp.epoch");
        try {
            if (Files.exists(file)) {
                return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
            }
            long now = clock.millis();
            Files.createDirectories(dataDir);
            Files.writeString(file, now + "\n", StandardCharsets.US_ASCII);
            return now;
        } catch (IOException | NumberFormatException e) {
            throw new InvalidSettingException("natflow.data-dir", "the NAT-PMP epoch in " + file + ": " + e.getMessage(),
                    "give natflow.data-dir a writable directory, or delete the damaged file");
        }
    }
}
