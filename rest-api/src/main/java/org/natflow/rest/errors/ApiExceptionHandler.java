package org.natflow.rest.errors;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.natflow.apps.NotFoundException;
import org.natflow.apps.RuleException;
import org.natflow.controller.api.SwitchNotConnectedException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
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

    @ExceptionHandler(RuleException.class)
    ProblemDetail rule(RuleException e) {
        ProblemDetail p = switch (e.kind()) {
            case INVALID -> problem(HttpStatus.BAD_REQUEST, "Invalid field", e.getMessage());
            case CONFLICT -> problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
        };
        if (e.field() != null) {
            p.setProperty("field", e.field());
        }
        return p;
    }

    /** Malformed JSON, or a value of the wrong type: 400 naming the field where Jackson knows it. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
                                                                  HttpHeaders headers, HttpStatusCode status,
                                                                  WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof org.natflow.rest.security.BodyLimitFilter.TooLarge) {
                return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(problem(HttpStatus.PAYLOAD_TOO_LARGE, "Payload Too Large", t.getMessage()));
            }
        }
        String field = null;
        if (ex.getCause() instanceof JsonMappingException jme && !jme.getPath().isEmpty()) {
            field = jme.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : String.valueOf(r.getIndex())).reduce((a, b) -> a + "." + b).orElse(null);
        }
        ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "Malformed request body", field != null
                ? field + ": wrong type or value" : "the body is not valid JSON of the expected shape");
        if (field != null) {
            p.setProperty("field", field);
        }
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
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
