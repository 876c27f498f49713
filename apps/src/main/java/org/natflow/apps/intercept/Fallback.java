package org.natflow.apps.intercept;

/** What an interception rule's traffic does while the splicer cannot take it (stopping, the link down). */
public enum Fallback {
    /** Translated as any other connection (the default): the traffic flows, unintercepted. */
    NAPT("napt"),
    /** Refused with a TCP reset, so the client knows at once. */
    REFUSE("refuse");

    private final String label;

    Fallback(String label) {
        this.label = label;
    }

    /** The name the API uses. */
    public String label() {
        return label;
    }

    /** The fallback named {@code label}. */
    public static Fallback parse(String label) {
        for (Fallback f : values()) {
            if (f.label.equalsIgnoreCase(label)) {
                return f;
            }
        }
        throw new IllegalArgumentException("must be napt or refuse, was '" + label + "'");
    }
}
