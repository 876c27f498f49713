package org.natflow.apps.fabric;

import java.time.Duration;

/**
 * Timing of link discovery.
 *
 * @param probeInterval how often every switch port sends a probe
 * @param linkTimeout   a link not probed for this long is gone (a few probe intervals)
 * @param settle        a port that came up is an edge port only after this long without a probe from another
 *                      switch: until then it might be a link, and flooding out of it might loop
 */
public record FabricConfig(Duration probeInterval, Duration linkTimeout, Duration settle) {

    public FabricConfig {
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("natflow.fabric.probe-interval must be positive");
        }
        if (linkTimeout.compareTo(probeInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("natflow.fabric.link-timeout must be at least two probe intervals");
        }
        if (settle.compareTo(probeInterval) < 0) {
            throw new IllegalArgumentException("natflow.fabric.settle must be at least one probe interval");
        }
    }

    /** One-second probes, links gone after 3.5 s, ports settled after 2.5 s. */
    public static FabricConfig defaults() {
        return new FabricConfig(Duration.ofSeconds(1), Duration.ofMillis(3500), Duration.ofMillis(2500));
    }
}
