package org.natflow.rest.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The connection tracker of the conntrack datapath ({@code natflow.nat.conntrack.*}); see docs/nat.md.
 *
 * @param timeouts     {@code ovs-vsctl} (default): at start-up natflow gives the NAT's tracker zone its own NAT
 *                     timeouts through {@code ovs-vsctl} on this machine (the switch must be local); {@code off}:
 *                     an operator does it, with the commands docs/nat.md shows (natflow logs them)
 * @param datapathType the border bridges' datapath type: {@code netdev} (userspace) or {@code system} (kernel)
 * @param ovsVsctl     the {@code ovs-vsctl} to run
 * @param hairpin      whether new connections are copied (metered) to the controller so it can hairpin to the
 *                     public ports the tracker chose; off saves that copy per new connection
 */
@ConfigurationProperties("natflow.nat.conntrack")
public record ConntrackProperties(@DefaultValue("ovs-vsctl") String timeouts,
                                  @DefaultValue("netdev") String datapathType,
                                  @DefaultValue("ovs-vsctl") String ovsVsctl,
                                  @DefaultValue("true") boolean hairpin) {

    /** Whether natflow sets the zone's timeouts itself. */
    public boolean applyTimeouts() {
        return switch (timeouts) {
            case "ovs-vsctl" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("natflow.nat.conntrack.timeouts: ovs-vsctl or off");
        };
    }
}
