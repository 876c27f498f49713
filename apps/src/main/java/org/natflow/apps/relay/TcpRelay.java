package org.natflow.apps.relay;

import org.natflow.apps.ports.Endpoint;

/**
 * Splices TCP relay legs: each leg's public port leads to a listening socket of the relay service, and the
 * first connection to each leg is joined with the first to the other.
 */
public interface TcpRelay {

    /** Starts accepting on a rule's legs. */
    void open(RelayRule rule);

    /** Stops a rule: its listeners and spliced connections close. */
    void close(long ruleId);

    /** The peer bound to a leg (its current connection's remote), or null. */
    Endpoint peer(long ruleId, int leg);

    /** Bytes received from a leg's peers so far. */
    long bytesFrom(long ruleId, int leg);
}
