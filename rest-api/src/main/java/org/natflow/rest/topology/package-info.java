/** The campus topology (switches, links, hosts) and the NAT's uplinks, read and changed at run time. */
package org.natflow.rest.topology;
