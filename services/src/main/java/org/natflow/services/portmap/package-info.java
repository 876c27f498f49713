/**
 * The protocols inside hosts ask for their own port mappings with: NAT-PMP (RFC 6886) on UDP 5351 of the
 * gateway address, over the service link; the mappings themselves are {@link org.natflow.apps.portmap}'s.
 */
package org.natflow.services.portmap;
