/**
 * Dynamic NAPT on an OpenFlow border switch: port allocation with paired pooling, the session table, the
 * gateway's ARP duties, and the rewrite flows that make the switch translate at line rate.
 */
package org.natflow.apps.nat;
