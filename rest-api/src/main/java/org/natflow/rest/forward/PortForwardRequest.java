package org.natflow.rest.forward;

import java.util.List;
import org.natflow.apps.RuleException;
import org.natflow.rest.errors.RequestFields;
import org.natflow.apps.forward.PortForwardRule;
import org.natflow.apps.ports.Protocol;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The body of POST and PUT. Each bad field is reported by name.
 *
 * @param protocol       {@code tcp} or {@code udp} (required)
 * @param publicAddress  pool address (default: the first pool address)
 * @param publicPort     first public port (required)
 * @param publicPortEnd  last public port of a range (default: publicPort)
 * @param insideAddress  inside server (required)
 * @param insidePort     inside port, first of the range (required)
 * @param allowedSources CIDR prefixes allowed to connect (default: everyone)
 * @param description    free text
 * @param enabled        default true
 */
public record PortForwardRequest(String protocol, String publicAddress, Integer publicPort, Integer publicPortEnd,
                                 String insideAddress, Integer insidePort, List<String> allowedSources,
                                 String description, Boolean enabled) {

    /** Most allowed-source prefixes of one forward. */
    static final int MAX_SOURCES = 100;

    PortForwardRule toRule() {
        Protocol p;
        if (protocol == null) {
            throw invalid("protocol", "is required (tcp or udp)");
        }
        try {
            p = Protocol.parse(protocol);
        } catch (IllegalArgumentException e) {
            throw invalid("protocol", "must be tcp or udp, was '" + protocol + "'");
        }
        if (publicPort == null) {
            throw invalid("publicPort", "is required");
        }
        if (insidePort == null) {
            throw invalid("insidePort", "is required");
        }
        if (insideAddress == null) {
            throw invalid("insideAddress", "is required");
        }
        IPv4Address pub = publicAddress == null || publicAddress.isBlank() ? null : address("publicAddress", publicAddress);
        IPv4Address inside = address("insideAddress", insideAddress);
        List<IPv4AddressWithMask> sources = RequestFields.prefixes("allowedSources", allowedSources, MAX_SOURCES);
        if (description != null && description.length() > 1000) {
            throw invalid("description", "at most 1000 characters");
        }
        return new PortForwardRule(0, p, pub, publicPort, publicPortEnd == null ? publicPort : publicPortEnd, inside,
                insidePort, sources, description, enabled == null || enabled);
    }

    private static IPv4Address address(String field, String value) {
        return RequestFields.address(field, value);
    }

    private static RuleException invalid(String field, String message) {
        return RuleException.invalid(field, message);
    }
}
