/** The {@code /api/v1/static-nat} resource, the rules' JDBC store and static NAT's meters. */
package org.natflow.rest.staticnat;
