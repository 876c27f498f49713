package org.natflow.rest.ipfix;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * NAT event export over IPFIX ({@code natflow.ipfix.*}); see docs/ipfix.md. Off unless collectors are named.
 *
 * @param collectors          collectors, {@code host:port} (UDP; port 4739 when left out)
 * @param instanceId          natInstanceID in every record: tells this natflow from others feeding the same
 *                            collector
 * @param templateRefresh     how often the templates are sent again
 * @param maxRecordsPerSecond records exported per second at most; more are counted and dropped
 * @param queue               records waiting for the export thread at most
 * @param maxMessageSize      largest IPFIX message, bytes (keep it within the path MTU)
 * @param flushInterval       how long records are gathered before they are sent (many to a message)
 */
@Validated
@ConfigurationProperties("natflow.ipfix")
public record IpfixProperties(@DefaultValue("") List<String> collectors,
                              @DefaultValue("1") @Min(0) @Max(4294967295L) long instanceId,
                              @DefaultValue("10m") Duration templateRefresh,
                              @DefaultValue("100000") @Min(1) @Max(10_000_000) int maxRecordsPerSecond,
                              @DefaultValue("65536") @Min(16) @Max(16_777_216) int queue,
                              @DefaultValue("1400") @Min(512) @Max(65000) int maxMessageSize,
                              @DefaultValue("100ms") Duration flushInterval) {
}
