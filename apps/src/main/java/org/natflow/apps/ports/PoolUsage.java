package org.natflow.apps.ports;

import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Use of one pool address.
 *
 * @param address  pool address
 * @param protocol protocol
 * @param inUse    ports held by mappings
 * @param free        ports not held and not reserved (those in quarantine among them)
 * @param hosts       inside hosts paired with this address
 * @param quarantined ports released and waiting out their quarantine before another inside host may have them
 */
public record PoolUsage(IPv4Address address, Protocol protocol, int inUse, int free, int hosts, int quarantined) {
}
