package org.natflow.apps.portmap;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * The answer to a mapping request.
 *
 * @param outcome       how it ended
 * @param insidePort    the inside port the answer is about
 * @param publicAddress the public address mapped ({@link IPv4Address#NONE} after a delete or a refusal)
 * @param publicPort    the public port mapped (0 after a delete or a refusal)
 * @param lifetimeSecs  the lifetime granted (0 after a delete or a refusal)
 */
public record MappingResult(MappingOutcome outcome, int insidePort, IPv4Address publicAddress, int publicPort,
                            long lifetimeSecs) {

    /** A refusal, or a delete's answer. */
    public static MappingResult of(MappingOutcome outcome, int insidePort) {
        return new MappingResult(outcome, insidePort, IPv4Address.NONE, 0, 0);
    }

    /** Whether it succeeded. */
    public boolean success() {
        return outcome == MappingOutcome.SUCCESS;
    }
}
