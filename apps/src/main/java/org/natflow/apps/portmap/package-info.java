/**
 * Port mappings that inside hosts ask for themselves (PCP and NAT-PMP now; UPnP IGD next): each one a port
 * forward owned by its host and the protocol that asked, with a lifetime, within the operator's policy and a
 * per-host quota; PCP's peer mappings for hole punching among them.
 */
package org.natflow.apps.portmap;
