package org.natflow.rest.intercept;

import java.util.ArrayList;
import java.util.List;
import org.natflow.apps.RuleException;
import org.natflow.services.intercept.InterceptPolicy;
import org.natflow.services.names.HostNames;

/**
 * The domain policy as the API reads and writes it ({@code GET/PUT /api/v1/intercepts/policy}).
 *
 * @param allow names (suffixes on label boundaries) that may be reached; empty or absent for all
 * @param deny  names refused
 */
public record InterceptPolicyDocument(List<String> allow, List<String> deny) {

    static InterceptPolicyDocument of(InterceptPolicy p) {
        return new InterceptPolicyDocument(p.allow(), p.deny());
    }

    InterceptPolicy toPolicy() {
        return new InterceptPolicy(names("allow", allow), names("deny", deny));
    }

    private static List<String> names(String field, List<String> items) {
        if (items == null) {
            return List.of();
        }
        if (items.size() > InterceptPolicy.MAX_NAMES) {
            throw RuleException.invalid(field, "at most " + InterceptPolicy.MAX_NAMES + " names, got " + items.size());
        }
        List<String> out = new ArrayList<>();
        for (String s : items) {
            String n = s == null ? "" : HostNames.normal(s);
            if (!HostNames.isHostName(n)) {
                throw RuleException.invalid(field, "'" + (s == null ? "null" : s.length() > 64 ? s.substring(0, 64)
                        + "..." : s) + "' is not a domain name");
            }
            out.add(n);
        }
        return out;
    }
}
