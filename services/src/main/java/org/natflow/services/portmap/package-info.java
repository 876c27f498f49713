/**
 * The protocols inside hosts ask for their own port mappings with: PCP (RFC 6887) and NAT-PMP (RFC 6886) on one
 * UDP port, 5351 of the gateway address, over the service link; the mappings themselves are
 * {@link org.natflow.apps.portmap}'s.
 */
package org.natflow.services.portmap;
