/** The TCP relay splicer: each TCP relay leg's first connection is joined with the other leg's. */
package org.natflow.services.relay;
