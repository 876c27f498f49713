/** The {@code /api/v1/port-mapping-policy} resource: what inside hosts may map themselves, and its store. */
package org.natflow.rest.portmap;
