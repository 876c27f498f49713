package org.natflow.controller.packet;

/**
 * A header that could not be parsed: too short, or with impossible fields.
 *
 * @param layer  which header, e.g. {@code ipv4}
 * @param reason why, for a log line
 */
public record Malformed(String layer, String reason) implements NetworkPayload, TransportPayload {
}
