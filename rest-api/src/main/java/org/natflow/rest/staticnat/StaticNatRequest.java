package org.natflow.rest.staticnat;

import java.util.List;
import org.natflow.apps.RuleException;
import org.natflow.rest.errors.RequestFields;
import org.natflow.apps.staticnat.StaticNatRule;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/**
 * The body of POST and PUT. Each bad field is reported by name.
 *
 * @param publicAddress  the host's own public address: in the uplink subnet, outside the pool (required)
 * @param insideAddress  the inside host (required)
 * @param via            the pool address whose border serves it (default: the first pool address)
 * @param allowedSources CIDR prefixes that may open connections to the host (default: anyone); with a list,
 *                       replies from the remotes the host sends to come back in as well
 * @param description    free text
 * @param enabled        default true
 */
public record StaticNatRequest(String publicAddress, String insideAddress, String via, List<String> allowedSources,
                               String description, Boolean enabled) {

    /** Most allowed-source prefixes of one rule. */
    static final int MAX_SOURCES = 100;

    StaticNatRule toRule() {
        if (publicAddress == null || publicAddress.isBlank()) {
            throw RuleException.invalid("publicAddress", "is required");
        }
        if (insideAddress == null || insideAddress.isBlank()) {
            throw RuleException.invalid("insideAddress", "is required");
        }
        IPv4Address pub = address("publicAddress", publicAddress);
        IPv4Address inside = address("insideAddress", insideAddress);
        IPv4Address viaAddress = via == null || via.isBlank() ? null : address("via", via);
        List<IPv4AddressWithMask> sources = RequestFields.prefixes("allowedSources", allowedSources, MAX_SOURCES);
        if (description != null && description.length() > 1000) {
            throw RuleException.invalid("description", "at most 1000 characters");
        }
        return new StaticNatRule(0, pub, inside, viaAddress, sources, description, enabled == null || enabled);
    }

    private static IPv4Address address(String field, String value) {
        return RequestFields.address(field, value);
    }
}
