package org.natflow.apps.portmap;

/**
 * The answer to a mapping request, with NAT-PMP's result codes (RFC 6886, section 3.5).
 *
 * @param code         0 success, 2 not authorized or refused, 3 network failure, 4 out of resources
 * @param insidePort   the inside port the answer is about
 * @param publicPort   the public port mapped (0 after a delete or a refusal)
 * @param lifetimeSecs the lifetime granted (0 after a delete or a refusal)
 */
public record MappingResult(int code, int insidePort, int publicPort, long lifetimeSecs) {

    public static final int SUCCESS = 0;
    public static final int NOT_AUTHORIZED = 2;
    public static final int NETWORK_FAILURE = 3;
    public static final int OUT_OF_RESOURCES = 4;

    static MappingResult refused(int code, int insidePort) {
        return new MappingResult(code, insidePort, 0, 0);
    }
}
