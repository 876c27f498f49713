package org.natflow.rest.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a bad natflow setting as Spring Boot's "APPLICATION FAILED TO START" with one line naming the
 * property and one saying what to do; the stack trace is then only logged at debug level.
 */
public class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

    @Override
    protected FailureAnalysis analyze(Throwable root, InvalidSettingException cause) {
        return new FailureAnalysis("natflow cannot start: " + cause.getMessage(), "To fix it: " + cause.fix() + ".",
                cause);
    }
}
