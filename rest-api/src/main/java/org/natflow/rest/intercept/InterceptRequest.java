package org.natflow.rest.intercept;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.natflow.apps.RuleException;
import org.natflow.apps.border.Addresses;
import org.natflow.apps.intercept.Fallback;
import org.natflow.apps.intercept.InterceptRule;
import org.natflow.apps.intercept.InterceptService;
import org.natflow.apps.ports.PortRange;

/**
 * The body of POST and PUT {@code /api/v1/intercepts}. Each bad field is reported by name.
 *
 * @param sources      inside CIDR prefixes of the clients (required)
 * @param destinations server CIDR prefixes; empty or absent for any
 * @param ports        destination ports or ranges, {@code "80"}, {@code "8000-8099"} (required)
 * @param enabled      default true
 * @param fallback     {@code napt} (default) or {@code refuse}: what the traffic does while the splicer cannot
 *                     take it
 * @param description  free text
 */
public record InterceptRequest(List<String> sources, List<String> destinations, List<String> ports, Boolean enabled,
                               String fallback, String description) {

    InterceptRule toRule(long id) {
        if (sources == null || sources.isEmpty()) {
            throw RuleException.invalid("sources", "is required: at least one inside CIDR prefix");
        }
        if (ports == null || ports.isEmpty()) {
            throw RuleException.invalid("ports", "is required: at least one port or range");
        }
        Fallback f;
        try {
            f = fallback == null ? Fallback.NAPT : Fallback.parse(fallback);
        } catch (IllegalArgumentException e) {
            throw RuleException.invalid("fallback", e.getMessage());
        }
        if (description != null && description.length() > 1000) {
            throw RuleException.invalid("description", "at most 1000 characters");
        }
        return new InterceptRule(id, parse("sources", sources, Addresses::prefix, "a CIDR prefix"),
                parse("destinations", destinations == null ? List.of() : destinations, Addresses::prefix,
                        "a CIDR prefix"),
                parse("ports", ports, PortRange::parse, "a port or range within 1-65535"),
                enabled == null || enabled, f, description);
    }

    private static <T> List<T> parse(String field, List<String> items, Function<String, T> parser, String what) {
        if (items.size() > InterceptService.MAX_ITEMS) {
            throw RuleException.invalid(field, "at most " + InterceptService.MAX_ITEMS + " items, got "
                    + items.size());
        }
        List<T> out = new ArrayList<>();
        for (String s : items) {
            try {
                out.add(parser.apply(s == null ? "" : s));
            } catch (IllegalArgumentException e) {
                throw RuleException.invalid(field, "'" + s + "' is not " + what);
            }
        }
        return out;
    }
}
