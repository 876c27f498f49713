package org.natflow.services.proxy;

/** A proxy request was refused; {@link #refusal()} says why and how to answer. */
final class RefusedException extends RuntimeException {

    private final Refusal refusal;

    RefusedException(Refusal refusal, String message) {
        super(message, null, false, false);
        this.refusal = refusal;
    }

    Refusal refusal() {
        return refusal;
    }
}
