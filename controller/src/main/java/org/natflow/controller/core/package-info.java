/**
 * The controller core behind the API: switch sessions with their pending requests, the switch registry,
 * packet-in dispatch, flow programming and statistics. Netty-free; the channel package feeds it.
 */
package org.natflow.controller.core;
