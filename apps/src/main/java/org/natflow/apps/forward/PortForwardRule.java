package org.natflow.apps.forward;

import java.util.List;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * A port forward: connections to {@code publicAddress:publicPort..publicPortEnd} go to
 * {@code insideAddress:insidePort..} (the same offset into the range).
 *
 * @param id             assigned by the store (0 before)
 * @param protocol       tcp or udp
 * @param publicAddress  pool address
 * @param publicPort     first public port
 * @param publicPortEnd  last public port (equal to publicPort for one port)
 * @param insideAddress  inside server
 * @param insidePort     first inside port
 * @param allowedSources remote prefixes allowed in; empty: everyone
 * @param description    free text
 * @param enabled        whether it is in effect
 * @param source         who made it: {@link #OPERATOR} (REST), or an application's protocol ({@code natpmp})
 * @param expiresMillis  when it goes by itself (epoch milliseconds); 0: never
 * @param clientTag      what the application that asked identifies it by (PCP's nonce and the mapping's kind);
 *                       empty for an operator's rule and NAT-PMP's
 */
public record PortForwardRule(long id, Protocol protocol, IPv4Address publicAddress, int publicPort,
                              int publicPortEnd, IPv4Address insideAddress, int insidePort,
                              List<IPv4AddressWithMask> allowedSources, String description, boolean enabled,
                              String source, long expiresMillis, String clientTag) {

    /** The source of rules an operator made through REST. */
    public static final String OPERATOR = "api";

    public PortForwardRule {
        allowedSources = List.copyOf(allowedSources);
        description = description == null ? "" : description;
        source = source == null ? OPERATOR : source;
        clientTag = clientTag == null ? "" : clientTag;
    }

    /** An operator's rule that never expires. */
    public PortForwardRule(long id, Protocol protocol, IPv4Address publicAddress, int publicPort, int publicPortEnd,
                           IPv4Address insideAddress, int insidePort, List<IPv4AddressWithMask> allowedSources,
                           String description, boolean enabled) {
        this(id, protocol, publicAddress, publicPort, publicPortEnd, insideAddress, insidePort, allowedSources,
                description, enabled, OPERATOR, 0, "");
    }

    /** The same rule, expiring at another time. */
    public PortForwardRule withExpiry(long newExpiresMillis) {
        return new PortForwardRule(id, protocol, publicAddress, publicPort, publicPortEnd, insideAddress,
                insidePort, allowedSources, description, enabled, source, newExpiresMillis, clientTag);
    }

    /** Number of ports in the range. */
    public int size() {
        return publicPortEnd - publicPort + 1;
    }

    /** The same rule with another id. */
    public PortForwardRule withId(long newId) {
        return new PortForwardRule(newId, protocol, publicAddress, publicPort, publicPortEnd, insideAddress,
                insidePort, allowedSources, description, enabled, source, expiresMillis, clientTag);
    }

    /** The same rule admitting other remote prefixes. */
    public PortForwardRule withAllowedSources(List<IPv4AddressWithMask> sources) {
        return new PortForwardRule(id, protocol, publicAddress, publicPort, publicPortEnd, insideAddress,
                insidePort, sources, description, enabled, source, expiresMillis, clientTag);
    }

    /** Whether an application asked for it (it was not made by an operator). */
    public boolean requestedByApplication() {
        return !OPERATOR.equals(source);
    }

    /** Whether the public ranges of two rules overlap (same protocol and address). */
    public boolean overlaps(PortForwardRule o) {
        return protocol == o.protocol && publicAddress.equals(o.publicAddress)
                && publicPort <= o.publicPortEnd && o.publicPort <= publicPortEnd;
    }

    /** Whether the inside ranges of two rules overlap (same protocol and inside address). */
    public boolean sharesInsideEndpoint(PortForwardRule o) {
        return protocol == o.protocol && insideAddress.equals(o.insideAddress)
                && insidePort <= o.insidePort + o.size() - 1 && o.insidePort <= insidePort + size() - 1;
    }

    /** Whether a public endpoint falls in this rule. */
    public boolean covers(Protocol p, IPv4Address address, int port) {
        return protocol == p && publicAddress.equals(address) && port >= publicPort && port <= publicPortEnd;
    }
}
