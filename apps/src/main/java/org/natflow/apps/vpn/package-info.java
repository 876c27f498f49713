/**
 * The VPN that lends global addresses: peers and their leases, the border flows that carry a peer's decrypted
 * traffic between the VPN link and the uplink untranslated, and the tunnel endpoint's outer packets. The
 * tunnel itself is a real WireGuard implementation behind {@link org.natflow.apps.vpn.TunnelDevice}.
 */
package org.natflow.apps.vpn;
