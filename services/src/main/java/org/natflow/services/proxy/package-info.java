/**
 * The jump host: natflow's HTTP (CONNECT and absolute-form) and SOCKS proxies, reached by inside hosts on the
 * gateway address over the service link, with outside connections from the clients' pool addresses and ports
 * from the public-port registry.
 */
package org.natflow.services.proxy;
