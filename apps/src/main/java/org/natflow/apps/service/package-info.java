/**
 * The relay service link: a link between a border switch and natflow's own network namespace, with
 * link-local addresses, over which services natflow terminates itself (TCP relay legs, TURN) are reached. The
 * switch translates every conversation between a public endpoint and a link-local alias, so natflow's host
 * only ever talks to its link peer.
 */
package org.natflow.apps.service;
