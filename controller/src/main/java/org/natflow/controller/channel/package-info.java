/**
 * The OpenFlow transport on Netty: framing and Loxi decoding, the handshake state machine, keepalive, and
 * the listening server. Nothing outside this package sees a Netty type.
 */
package org.natflow.controller.channel;
