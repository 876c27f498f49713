/**
 * Dynamic NAPT on an OpenFlow border switch: port allocation with paired pooling, the session table (its
 * mappings kept as primitive columns by {@code SessionStore}), the gateway's ARP duties, the rewrite flows
 * that make the switch translate at line rate, and the RFC 6888 mapping log ({@link
 * org.natflow.apps.nat.MappingLog}, written in batches by {@link org.natflow.apps.nat.MappingLogFile}).
 */
package org.natflow.apps.nat;
