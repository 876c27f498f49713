/**
 * The border platform: the switches that are borders (a configured uplink), their lifecycle that every border
 * app follows ({@link org.natflow.apps.border.BorderApp}, run by {@link org.natflow.apps.border.Borders}), and the
 * gateway's own duties on them: ARP for the gateway and the pool, next hops and the route table, where inside
 * hosts are.
 */
package org.natflow.apps.border;
