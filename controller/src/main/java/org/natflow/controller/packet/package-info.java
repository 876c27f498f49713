/**
 * Parsing of packet-in data into immutable values: Ethernet (with 802.1Q), ARP, IPv4, TCP, UDP, ICMP.
 * Malformed input never throws past {@link org.natflow.controller.packet.PacketParser}; it shows up as
 * {@link org.natflow.controller.packet.Malformed} at the layer that is broken.
 */
package org.natflow.controller.packet;
