/** The {@code /api/v1/nat} resource: dynamic mappings and pool use. */
package org.natflow.rest.nat;
