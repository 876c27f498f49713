/**
 * Relays: rules with two legs on public ports whose first senders are bound to them and then joined, UDP in
 * switch flows and TCP through the relay service; the TURN server builds on the same pieces.
 */
package org.natflow.apps.relay;
