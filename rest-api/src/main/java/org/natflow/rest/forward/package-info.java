/** The {@code /api/v1/port-forwards} resource and the rules' JDBC store. */
package org.natflow.rest.forward;
