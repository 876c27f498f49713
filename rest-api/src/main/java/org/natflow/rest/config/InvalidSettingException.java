package org.natflow.rest.config;

import java.util.Map;
import java.util.function.Supplier;

/**
 * A natflow setting is missing, malformed or inconsistent with another. Start-up stops with one line naming
 * the property and what to do ({@link InvalidSettingFailureAnalyzer}), not with a bean-creation stack trace.
 */
public class InvalidSettingException extends IllegalArgumentException {

    /** Where each group of settings is documented. */
    private static final Map<String, String> DOCS = Map.ofEntries(Map.entry("natflow.nat", "docs/nat.md"),
            Map.entry("natflow.service-link", "docs/relays.md"), Map.entry("natflow.turn", "docs/relays.md#turn-server"),
            Map.entry("natflow.fabric", "docs/campus.md"), Map.entry("natflow.api", "docs/rest-api.md#authentication"),
            Map.entry("natflow.openflow", "README.md#running-the-controller"), Map.entry("natflow.proxy", "docs/proxy.md"),
            Map.entry("natflow.intercept", "docs/intercept.md"), Map.entry("natflow.dhcp", "docs/home.md"),
            Map.entry("natflow.dns", "docs/home.md#dns-forwarder"), Map.entry("natflow.vpn", "docs/vpn.md"),
            Map.entry("natflow.natpmp", "docs/port-mapping.md"), Map.entry("natflow.ipfix", "docs/ipfix.md"));

    private final String property;
    private final String fix;

    /**
     * @param property the property at fault, e.g. {@code natflow.turn.enabled}
     * @param problem  what is wrong with it
     * @param fix      what to do about it
     */
    public InvalidSettingException(String property, String problem, String fix) {
        super(property + ": " + problem);
        this.property = property;
        this.fix = fix;
    }

    /** The property at fault. */
    public String property() {
        return property;
    }

    /** What to do about it. */
    public String fix() {
        return fix;
    }

    /**
     * Builds settings, turning a validation message that starts with the property ({@code natflow.x.y: ...} or
     * {@code natflow.x.y is required ...}) into this exception.
     */
    public static <T> T check(Supplier<T> build) {
        try {
            return build.get();
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            int end = 0;
            while (end < m.length() && m.charAt(end) != ':' && m.charAt(end) != ' ') {
                end++;
            }
            String property = m.startsWith("natflow.") ? m.substring(0, end) : "natflow";
            String problem = end < m.length() ? m.substring(end).replaceFirst("^:\\s*", "").trim() : m;
            String verb = problem.startsWith("is required") ? "set " : "correct ";
            throw new InvalidSettingException(property, problem, verb + property + " (see " + docsOf(property) + ")");
        }
    }

    /** The document that describes a property. */
    static String docsOf(String property) {
        return DOCS.entrySet().stream().filter(e -> property.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse("README.md");
    }
}
