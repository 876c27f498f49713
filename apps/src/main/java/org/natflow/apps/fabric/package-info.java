/**
 * The campus fabric: link discovery with LLDP probes, host tracking, shortest-path forwarding by destination
 * MAC on every switch, steering of each host's gateway traffic to its border, and broadcasts delivered by
 * the controller to edge ports only (never over inter-switch links, so redundant links cannot loop).
 */
package org.natflow.apps.fabric;
