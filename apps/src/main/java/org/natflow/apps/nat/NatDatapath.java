package org.natflow.apps.nat;

/**
 * Where new connections are translated.
 */
public enum NatDatapath {

    /**
     * The controller translates every new flow: the first packet comes up, the controller picks a public
     * port and installs a rewrite flow for each direction (full RFC 4787/5382 behaviour: endpoint-independent
     * mapping, configurable filtering, per-mapping timeouts and logging).
     */
    CONTROLLER,

    /**
     * The controller gives each inside host a block of public ports once (RFC 7422 style), with flows that
     * hand every connection of the host to the switch's connection tracker, which picks a port in the block
     * ({@code ct(commit,nat(src=ADDR:FIRST-LAST))}). New connections never reach the controller; the mapping
     * behaviour is the tracker's (address-and-port-dependent filtering, ports kept when free). Needs Open
     * vSwitch (Nicira conntrack actions).
     */
    CONNTRACK;

    /** Parses {@code controller} or {@code conntrack}, case-insensitively. */
    public static NatDatapath parse(String s) {
        for (NatDatapath d : values()) {
            if (d.name().equalsIgnoreCase(s.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("natflow.nat.datapath: '" + s + "' is neither controller nor conntrack");
    }
}
