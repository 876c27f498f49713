/** The {@code /api/v1/vpn} resource (peers of the VPN that lends addresses) and the peers' JDBC store. */
package org.natflow.rest.vpn;
