/**
 * The controller's API for network applications: switches and their events, flow programming,
 * packet-in and packet-out, statistics. Free of Netty types; messages are OpenFlowJ-Loxi values.
 */
package org.natflow.controller.api;
