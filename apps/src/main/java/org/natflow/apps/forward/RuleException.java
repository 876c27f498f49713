package org.natflow.apps.forward;

/** A rule was refused. {@link #kind()} says how the API should answer. */
public class RuleException extends RuntimeException {

    /** Why. */
    public enum Kind {
        /** A field is invalid (400); {@link #field()} names it. */
        INVALID,
        /** It collides with another rule or a live mapping (409). */
        CONFLICT,
        /** No such rule (404). */
        NOT_FOUND
    }

    private final Kind kind;
    private final String field;

    public RuleException(Kind kind, String field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() {
        return kind;
    }

    /** The offending field for {@link Kind#INVALID}, else null. */
    public String field() {
        return field;
    }

    static RuleException invalid(String field, String message) {
        return new RuleException(Kind.INVALID, field, field + ": " + message);
    }
}
