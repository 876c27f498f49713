/**
 * A TURN server (RFC 8656 over UDP, with RFC 8489 STUN Binding) on natflow's public address, reached over the
 * service link: message codec, long-term credentials, allocations with permissions and channels.
 */
package org.natflow.services.turn;
