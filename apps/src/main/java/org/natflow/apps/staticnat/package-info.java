/**
 * 1:1 static NAT: an inside host gets a public address of its own, outside the pool (all ports, both
 * directions), reachable from outside subject to an allow list. Rules, their validation and conflicts, the
 * stateless rewrite flows on the serving border, the remotes a host with an allow list talks to, and the ICMP
 * errors about static addresses.
 */
package org.natflow.apps.staticnat;
