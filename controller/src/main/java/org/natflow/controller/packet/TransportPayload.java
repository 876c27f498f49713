package org.natflow.controller.packet;

/** What an IPv4 packet carries. */
public sealed interface TransportPayload permits TcpSegment, UdpDatagram, IcmpMessage, Malformed, OtherPayload {
}
