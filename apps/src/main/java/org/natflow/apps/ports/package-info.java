/**
 * Public ports: the one registry of who holds which pool address and port ({@link
 * org.natflow.apps.ports.PublicPorts}: NAT mappings, port blocks, forwards, relays, TURN, proxies), with paired
 * pooling, per-host quotas, reservations and quarantine, and the allocator beneath it.
 */
package org.natflow.apps.ports;
