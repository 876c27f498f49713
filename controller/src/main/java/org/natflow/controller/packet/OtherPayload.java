package org.natflow.controller.packet;

/**
 * A payload this parser does not look into: another EtherType or IP protocol, or a non-first fragment.
 *
 * @param offset where it starts in the frame
 * @param length how many bytes it has
 */
public record OtherPayload(int offset, int length) implements NetworkPayload, TransportPayload {
}
