package org.natflow.rest.errors;

import java.util.ArrayList;
import java.util.List;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.projectfloodlight.openflow.types.IPv4Address;
import org.projectfloodlight.openflow.types.IPv4AddressWithMask;

/** Parsing of request body fields that rules share, each error naming its field (answered as 400). */
public final class RequestFields {

    private RequestFields() {
    }

    /** A dotted-quad address. */
    public static IPv4Address address(String field, String value) {
        try {
            return Addresses.address(value);
        } catch (IllegalArgumentException e) {
            throw RuleException.invalid(field, "'" + value + "' is not an IPv4 address");
        }
    }

    /** A list of CIDR prefixes, at most {@code max}; null is an empty list. */
    public static List<IPv4AddressWithMask> prefixes(String field, List<String> values, int max) {
        if (values != null && values.size() > max) {
            throw RuleException.invalid(field, "at most " + max + " prefixes, got " + values.size());
        }
        List<IPv4AddressWithMask> out = new ArrayList<>();
        for (String s : values == null ? List.<String>of() : values) {
            if (s == null) {
                throw RuleException.invalid(field, "null is not a CIDR prefix");
            }
            try {
                out.add(Addresses.prefix(s));
            } catch (IllegalArgumentException e) {
                throw RuleException.invalid(field, "'" + s + "' is not a CIDR prefix");
            }
        }
        return out;
    }
}
