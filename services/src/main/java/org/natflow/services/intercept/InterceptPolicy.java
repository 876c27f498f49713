package org.natflow.services.intercept;

import java.util.List;
import org.natflow.services.names.HostNames;

/**
 * Which names intercepted connections may reach, by suffix on label boundaries ({@code example.com} covers
 * {@code example.com} and {@code www.example.com}, not {@code badexample.com}). A name on the deny list is
 * refused; when the allow list is not empty, only names on it pass (a connection that names nothing among them).
 *
 * @param allow names allowed; empty for all
 * @param deny  names refused
 */
public record InterceptPolicy(List<String> allow, List<String> deny) {

    /** Most names on each list. */
    public static final int MAX_NAMES = 10_000;

    /** Everything allowed. */
    public static InterceptPolicy defaults() {
        return new InterceptPolicy(List.of(), List.of());
    }

    public InterceptPolicy {
        allow = allow.stream().map(HostNames::normal).toList();
        deny = deny.stream().map(HostNames::normal).toList();
    }

    /** The verdict for a connection naming {@code name} (null: it named nothing). */
    public Verdict verdict(String name) {
        String n = name == null ? null : HostNames.normal(name);
        if (n != null && deny.stream().anyMatch(s -> covers(s, n))) {
            return Verdict.DENIED;
        }
        if (!allow.isEmpty() && (n == null || allow.stream().noneMatch(s -> covers(s, n)))) {
            return Verdict.DENIED;
        }
        return Verdict.ALLOWED;
    }

    private static boolean covers(String suffix, String name) {
        return name.equals(suffix) || name.endsWith("." + suffix);
    }

    /** What happens to a connection. */
    public enum Verdict {
        /** Not decided yet (the name is still being read). */
        PENDING("pending"),
        ALLOWED("allowed"),
        DENIED("denied");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
