/** The DHCP server's REST resources and its store: leases and reservations. */
package org.natflow.rest.dhcp;
