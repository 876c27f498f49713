/** Sockets of natflow's services on the service link's address, which appears only once the link is up. */
package org.natflow.services.link;
