package org.natflow.rest.errors;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.natflow.controller.api.SwitchNotConnectedException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Maps errors to {@code application/problem+json}. Spring's own exceptions (malformed JSON, bad parameter
 * types, unknown paths) are handled by the base class in the same format.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(NotFoundException.class)
    ProblemDetail notFound(NotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    @ExceptionHandler(SwitchNotConnectedException.class)
    ProblemDetail notConnected(SwitchNotConnectedException e) {
        return problem(HttpStatus.NOT_FOUND, "Switch not connected", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "Bad request", e.getMessage());
    }

    @ExceptionHandler(TimeoutException.class)
    ProblemDetail timeout(TimeoutException e) {
        return problem(HttpStatus.GATEWAY_TIMEOUT, "Switch did not answer", e.getMessage());
    }

    @ExceptionHandler({ExecutionException.class, CompletionException.class})
    ProblemDetail unwrap(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof SwitchNotConnectedException s) {
            return notConnected(s);
        }
        if (cause instanceof TimeoutException t) {
            return timeout(t);
        }
        return problem(HttpStatus.BAD_GATEWAY, "Switch request failed", cause.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }
}
