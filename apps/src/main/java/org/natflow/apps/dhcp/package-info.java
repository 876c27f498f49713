/**
 * The DHCP server of the inside networks (RFC 2131/2132), answered from packet-ins at the border: the message
 * codec, the lease table with its allocation rules, and the server that answers clients. Leases are kept by a
 * {@link org.natflow.apps.dhcp.LeaseStore}, written before a client is told (off the packet-in path).
 */
package org.natflow.apps.dhcp;
