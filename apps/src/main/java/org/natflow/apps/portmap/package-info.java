/**
 * Port mappings that inside hosts ask for themselves (NAT-PMP now; PCP and UPnP IGD next): each one a port
 * forward owned by its host, with a lifetime, within the operator's policy and a per-host quota.
 */
package org.natflow.apps.portmap;
