package org.natflow.controller.packet;

/**
 * A UDP header.
 *
 * @param srcPort source port
 * @param dstPort destination port
 * @param length  length field (header and data)
 */
public record UdpDatagram(int srcPort, int dstPort, int length) implements TransportPayload {
}
