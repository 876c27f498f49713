/** REST resource, request/view shapes and JDBC store of relay rules (and TURN allocations). */
package org.natflow.rest.relay;
