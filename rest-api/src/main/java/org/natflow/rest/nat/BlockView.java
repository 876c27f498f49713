package org.natflow.rest.nat;

import java.time.Instant;

/**
 * A port block of the conntrack datapath: every TCP and UDP connection of the inside host leaves from the
 * public address with a source port in {@code firstPort..lastPort}.
 *
 * @param id            block id
 * @param insideAddress the inside host
 * @param publicAddress its public address
 * @param firstPort     first port of the block
 * @param lastPort      last port of the block
 * @param dpid          the border translating it
 * @param start         when the block was assigned
 */
public record BlockView(long id, String insideAddress, String publicAddress, int firstPort, int lastPort,
                        String dpid, Instant start) {
}
