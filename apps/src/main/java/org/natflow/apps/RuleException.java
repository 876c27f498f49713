package org.natflow.apps;

/**
 * A rule (a forward, a relay, any app's REST-managed rule) was refused. {@link #kind()} says how the API
 * answers; a rule that does not exist is a {@link NotFoundException} instead.
 */
public class RuleException extends RuntimeException {

    /** Why. */
    public enum Kind {
        /** A field is invalid (400); {@link #field()} names it. */
        INVALID,
        /** It collides with another rule or a live mapping (409). */
        CONFLICT
    }

    private final Kind kind;
    private final String field;

    public RuleException(Kind kind, String field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    /** A field is invalid; the message starts with its name. */
    public static RuleException invalid(String field, String message) {
        return new RuleException(Kind.INVALID, field, field + ": " + message);
    }

    /** The rule collides with another rule or something live. */
    public static RuleException conflict(String message) {
        return new RuleException(Kind.CONFLICT, null, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The offending field for {@link Kind#INVALID}, else null. */
    public String field() {
        return field;
    }
}
