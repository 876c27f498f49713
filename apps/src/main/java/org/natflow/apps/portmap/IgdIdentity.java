package org.natflow.apps.portmap;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.projectfloodlight.openflow.types.IPv4Address;

/**
 * Who natflow is to UPnP control points: the UUIDs of its Internet Gateway Device and the two devices inside it
 * (derived from the gateway address, so they stay the same across restarts and instances), and where its
 * description is.
 *
 * @param root       the InternetGatewayDevice's UUID
 * @param wan        the WANDevice's
 * @param connection the WANConnectionDevice's
 * @param gateway    the gateway address the description is served on
 * @param httpPort   the TCP port of the description and the control URLs
 */
public record IgdIdentity(UUID root, UUID wan, UUID connection, IPv4Address gateway, int httpPort) {

    /** The identity of the gateway at {@code gateway}, its description on {@code httpPort}. */
    public static IgdIdentity of(IPv4Address gateway, int httpPort) {
        return new IgdIdentity(uuid("igd", gateway), uuid("wan", gateway), uuid("wan-connection", gateway), gateway,
                httpPort);
    }

    private static UUID uuid(String device, IPv4Address gateway) {
        return UUID.nameUUIDFromBytes(("natflow " + device + " " + gateway).getBytes(StandardCharsets.US_ASCII));
    }

    /** The URL of the root device description. */
    public String location() {
        return "http://" + gateway + ":" + httpPort + "/rootDesc.xml";
    }
}
