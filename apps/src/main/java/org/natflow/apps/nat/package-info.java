/**
 * Dynamic NAPT on border switches: the first packet of a flow becomes a mapping ({@link
 * org.natflow.apps.nat.NaptService}, {@link org.natflow.apps.nat.Mappings}) kept in the {@link
 * org.natflow.apps.nat.MappingTable} (primitive columns by {@code SessionStore}), the rewrite flows that make the
 * switch translate at line rate, TCP timeouts from FIN, RST and SYN copies ({@link
 * org.natflow.apps.nat.TcpMappingState}), ICMP and fragments translated by the controller, hairpinning, the
 * conntrack datapath's port blocks, the public ports its tracker chose ({@link org.natflow.apps.nat.TrackedEndpoints})
 * and its zone's timeouts ({@link org.natflow.apps.nat.ConntrackZonePolicy}), and the RFC 6888 mapping log ({@link org.natflow.apps.nat.MappingLog}, written in batches
 * by {@link org.natflow.apps.nat.MappingLogFile}).
 */
package org.natflow.apps.nat;
