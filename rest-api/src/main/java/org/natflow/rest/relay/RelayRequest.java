package org.natflow.rest.relay;

import java.util.ArrayList;
import java.util.List;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.ports.Protocol;
import org.natflow.apps.relay.RelayLeg;
import org.natflow.apps.relay.RelayRule;

/**
 * The body of POST. Each bad field is reported by name.
 *
 * @param protocol      {@code udp} or {@code tcp} (required)
 * @param publicAddress pool address (default: the first pool address)
 * @param legs          exactly two legs (required)
 * @param idleTimeout   seconds without traffic before bindings are released (default 300)
 * @param description   free text
 */
public record RelayRequest(String protocol, String publicAddress, List<Leg> legs, Integer idleTimeout,
                           String description) {

    /**
     * One leg.
     *
     * @param publicPort    public port (default: allocated)
     * @param allowedSource CIDR prefix its peer must come from (default: anyone)
     */
    public record Leg(Integer publicPort, String allowedSource) {
    }

    RelayRule toRule() {
        if (protocol == null) {
            throw invalid("protocol", "is required (udp or tcp)");
        }
        Protocol p;
        try {
            p = Protocol.parse(protocol);
        } catch (IllegalArgumentException e) {
            throw invalid("protocol", "must be udp or tcp, was '" + protocol + "'");
        }
        if (p == Protocol.ICMP) {
            throw invalid("protocol", "must be udp or tcp, was '" + protocol + "'");
        }
        if (legs == null) {
            throw invalid("legs", "is required: two legs, e.g. [{}, {}]");
        }
        if (legs.size() != 2) {
            throw invalid("legs", "a relay has exactly two legs, got " + legs.size());
        }
        List<RelayLeg> out = new ArrayList<>();
        for (int i = 0; i < legs.size(); i++) {
            Leg l = legs.get(i) == null ? new Leg(null, null) : legs.get(i);
            String field = "legs[" + i + "]";
            int port = l.publicPort() == null ? 0 : l.publicPort();
            if (l.publicPort() != null && (port < 1 || port > 65535)) {
                throw invalid(field + ".publicPort", "must be between 1 and 65535, was " + port);
            }
            org.projectfloodlight.openflow.types.IPv4AddressWithMask source = null;
            if (l.allowedSource() != null && !l.allowedSource().isBlank()) {
                try {
                    source = Addresses.prefix(l.allowedSource());
                } catch (IllegalArgumentException e) {
                    throw invalid(field + ".allowedSource", "'" + l.allowedSource() + "' is not a CIDR prefix");
                }
            }
            out.add(new RelayLeg(port, source));
        }
        org.projectfloodlight.openflow.types.IPv4Address pub = null;
        if (publicAddress != null && !publicAddress.isBlank()) {
            try {
                pub = Addresses.address(publicAddress);
            } catch (IllegalArgumentException e) {
                throw invalid("publicAddress", "'" + publicAddress + "' is not an IPv4 address");
            }
        }
        if (description != null && description.length() > 1000) {
            throw invalid("description", "at most 1000 characters");
        }
        return new RelayRule(0, p, pub, out, idleTimeout == null ? RelayRule.DEFAULT_IDLE_TIMEOUT : idleTimeout,
                description);
    }

    private static RuleException invalid(String field, String message) {
        return RuleException.invalid(field, message);
    }
}
