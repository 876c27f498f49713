/**
 * The DNS forwarder of the inside networks: queries to the gateway address (UDP and TCP port 53, over the
 * service link) answered from local names (DHCP clients, their addresses), a cache, or the upstream resolvers,
 * reached from a reserved pool port. Messages are parsed and built with dnsjava.
 */
package org.natflow.services.dns;
