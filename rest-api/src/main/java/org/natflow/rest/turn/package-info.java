/** REST resource and meters of the TURN server's allocations. */
package org.natflow.rest.turn;
