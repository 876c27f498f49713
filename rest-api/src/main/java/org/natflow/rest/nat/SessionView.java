package org.natflow.rest.nat;

import java.time.Instant;

/**
 * A NAT mapping as the API shows it.
 *
 * @param id            mapping id
 * @param protocol      {@code tcp}, {@code udp} or {@code icmp}
 * @param insideAddress inside host
 * @param insidePort    inside port
 * @param publicAddress pool address
 * @param publicPort    public port
 * @param createdAt     creation time
 * @param dpid          border switch
 * @param packets       packets through both flows (null if the switch did not answer)
 * @param bytes         bytes through both flows (null if the switch did not answer)
 */
public record SessionView(long id, String protocol, String insideAddress, int insidePort, String publicAddress,
                          int publicPort, Instant createdAt, String dpid, Long packets, Long bytes) {
}
