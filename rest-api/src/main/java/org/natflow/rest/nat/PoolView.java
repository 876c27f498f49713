package org.natflow.rest.nat;

/**
 * Use of one pool address for one protocol.
 *
 * @param address  pool address
 * @param protocol protocol
 * @param inUse    ports held by mappings
 * @param free     ports neither held nor reserved
 * @param hosts    inside hosts paired with this address
 * @param quarantined ports released and waiting out their quarantine (counted in {@code free})
 */
public record PoolView(String address, String protocol, int inUse, int free, int hosts, int quarantined) {
}
