package org.natflow.apps;

/** The addressed resource (a rule, a mapping, a switch, an allocation) does not exist; answered with 404. */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message, null, false, false);
    }
}
