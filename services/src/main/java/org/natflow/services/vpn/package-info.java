/**
 * The VPN's tunnel endpoint: Debian's {@code wireguard-go} in a network namespace of its own, its end of the VPN
 * link to the border switch, configured by natflow through WireGuard's configuration protocol (a Unix socket).
 */
package org.natflow.services.vpn;
