/** The {@code /api/v1/switches} resource: connected switches, their ports and flow tables. */
package org.natflow.rest.switches;
